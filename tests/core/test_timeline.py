"""C-AUD: a record's timeline says who did what, in which role, when, between which states."""

import re
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.models import AuditLog, Organisation, Role
from tests.factories import make_user
from tests.programme_factories import make_programme


def _entry(page: str, action: str) -> str:
    """The timeline item that records `action` (its label), as the page shows it."""
    timeline = page.split('id="timeline-h"')[1]
    items = re.findall(r"<li>.*?</li>", timeline, flags=re.S)
    return next(item for item in items if action in item)


def test_C_AUD_timeline_shows_actor_role_time_states_and_comment(client, login, db):
    programme = make_programme()
    reviewer = make_user(Role.DISTRICT, district="110105")
    reviewer.display_name = "王审核"  # a name apart from the role label, so both are checked
    db.session.commit()
    login(reviewer)
    client.post(f"/district/programmes/{programme.id}/review",
                data={"decision": "return", "comment": "请补充合作协议盖章页"})
    client.post("/logout")
    owner_org = db.session.get(Organisation, programme.enterprise_id)
    login(make_user(Role.ENTERPRISE, org=owner_org))
    page = client.get(f"/enterprise/programmes/{programme.id}").get_data(as_text=True)
    entry = _entry(page, "退回修改</strong>")
    assert "王审核" in entry and "区人力资源社会保障局" in entry
    at = db.session.scalar(sa.select(AuditLog.at).where(
        AuditLog.object_type == "programme", AuditLog.action == "return"))
    beijing = at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f'<time datetime="{at.isoformat()}Z">{beijing:%Y-%m-%d %H:%M}</time>' in entry
    assert "待区级审核 → 退回修改" in entry
    assert "请补充合作协议盖章页" in entry
