"""AP-V2: summons (约谈) → corrected, or → reported to the centre (区级上报); C-DIST, C-AUD."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.clock import today
from portal.core.errors import NotAllowed, StateConflict
from portal.extensions import db
from portal.models import Summons, SummonsState
from portal.supervision.escalation import summons as svc
from tests.factories import make_user
from tests.supervision.escalation.escalation_helpers import (
    Parties,
    as_user,
    audited,
    notified,
    text,
)


def _summons(w: Parties, **overrides) -> Summons:
    fields = dict(held_on=today(), attendees="企业负责人张某、区人社局李某",
                  reason="培训不按计划开展", outcome="限期整改")
    fields.update(overrides)
    item = svc.record(w.district, w.programme, **fields)
    db.session.commit()
    return item


def test_AP_V2_district_records_summons_on_screen_and_enterprise_is_notified(client):
    w = Parties()
    client = as_user(client, w.district)
    page = text(client.get(f"/district/programmes/{w.programme.id}"))
    assert 'id="supervision-record"' in page and "登记约谈" in page
    form = text(client.get(f"/district/programmes/{w.programme.id}/summons/new"))
    assert 'for="held_on"' in form and 'for="attendees"' in form and 'for="reason"' in form
    refused = client.post(f"/district/programmes/{w.programme.id}/summons/new",
                          data={"held_on": today().isoformat(), "attendees": "", "reason": ""})
    assert refused.status_code == 422
    response = client.post(f"/district/programmes/{w.programme.id}/summons/new", data={
        "held_on": today().isoformat(), "attendees": "张某", "reason": "流失率高",
        "outcome": "一个月内整改"})
    assert response.status_code == 302
    item = db.session.scalar(db.select(Summons))
    assert (item.state, item.district_code) == (SummonsState.HELD, w.programme.district_code)
    assert audited("summons", item.id) == ["record"]
    assert notified(w.enterprise.id, "summons") == 1
    detail = text(client.get(f"/district/summons/{item.id}"))
    assert "流失率高" in detail and "整改到位" in detail and "拒不整改，报市级" in detail


def test_AP_V2_summons_date_in_future_refused(app):
    w = Parties()
    with pytest.raises(Exception, match="约谈日期不能晚于今天"):
        svc.record(w.district, w.programme, held_on=today() + timedelta(days=1),
                   attendees="张某", reason="x")


def test_AP_V2_report_reaches_the_centre_list_and_centre_staff(client):
    w = Parties()
    item = _summons(w)
    client = as_user(client, w.district)
    assert client.post(f"/district/summons/{item.id}/report",
                       data={"note": "拒不整改"}).status_code == 302
    db.session.expire_all()
    assert item.state == SummonsState.REPORTED and item.reported_at is not None
    assert "拒不整改" in item.outcome
    assert notified(w.centre.id, "summons_reported") == 1
    assert notified(w.enterprise.id, "summons") == 2
    client = as_user(client, w.centre)
    listed = text(client.get("/center/summons"))  # 区级上报: reported by default
    assert f'id="summons-{item.id}"' in listed
    assert "整改到位" not in text(client.get(f"/center/summons/{item.id}"))  # centre reads only


def test_AP_V2_report_needs_a_note(client):
    w = Parties()
    item = _summons(w)
    client = as_user(client, w.district)
    response = client.post(f"/district/summons/{item.id}/report", data={"note": ""})
    assert response.status_code == 422 and "（规则 AP-V2）" in text(response)
    db.session.expire_all()
    assert item.state == SummonsState.HELD


def test_AP_V2_centre_list_hides_summons_not_reported(client):
    w = Parties()
    item = _summons(w)
    client = as_user(client, w.centre)
    assert f'id="summons-{item.id}"' not in text(client.get("/center/summons"))
    assert f'id="summons-{item.id}"' in text(client.get("/center/summons?state=all"))


def test_AP_V2_guarded_double_click_corrects_once(app):
    w = Parties()
    item = _summons(w)
    svc.mark_corrected(w.district, item, "已整改")
    db.session.commit()
    with pytest.raises(StateConflict):
        svc.mark_corrected(w.district, item, "again")
    db.session.rollback()
    with pytest.raises(StateConflict):
        svc.report(w.district, item, "拒不整改")
    db.session.rollback()
    assert audited("summons", item.id) == ["record", "correct"]


def test_AP_V2_stale_copy_second_transition_changes_nothing(app):
    """Two tabs: the other one reported the summons after this copy was read (it still
    says held, so the permission passes); the guarded UPDATE refuses the second move."""
    w = Parties()
    item = _summons(w)
    db.session.execute(sa.update(Summons).where(Summons.id == item.id)
                       .values(state=SummonsState.REPORTED)
                       .execution_options(synchronize_session=False))
    assert item.state == SummonsState.HELD  # the stale copy
    with pytest.raises(StateConflict):
        svc.mark_corrected(w.district, item, "")
    db.session.rollback()
    assert db.session.get(Summons, item.id).state == SummonsState.HELD
    assert audited("summons", item.id) == ["record"]


def test_C_DIST_peer_district_cannot_see_or_act_on_summons(client):
    w = Parties()
    item = _summons(w)
    peer = make_user(w.district.role, district="110108")
    db.session.commit()
    with pytest.raises(NotAllowed):
        svc.record(peer, w.programme, held_on=today(), attendees="x", reason="y")
    db.session.rollback()
    client = as_user(client, peer)
    assert client.get(f"/district/summons/{item.id}").status_code == 404
    assert client.post(f"/district/summons/{item.id}/report",
                       data={"note": "x"}).status_code == 404
    assert client.get(f"/district/programmes/{w.programme.id}/summons/new").status_code == 404
    assert f'id="summons-{item.id}"' not in text(client.get("/district/summons"))


def test_AP_V2_enterprise_cannot_post_district_actions(client):
    w = Parties()
    item = _summons(w)
    client = as_user(client, w.enterprise)
    assert client.post(f"/district/summons/{item.id}/corrected").status_code == 403
    assert client.post(f"/district/programmes/{w.programme.id}/suspend",
                       data={"reason": "x"}).status_code == 403


def test_AP_V2_summons_list_filters_by_state_and_date(client):
    w = Parties()
    old = _summons(w, held_on=today() - timedelta(days=40))
    new = _summons(w)
    svc.mark_corrected(w.district, old, "")
    db.session.commit()
    client = as_user(client, w.district)
    held = text(client.get("/district/summons?state=held"))
    assert f'id="summons-{new.id}"' in held and f'id="summons-{old.id}"' not in held
    since = (today() - timedelta(days=5)).isoformat()
    recent = text(client.get(f"/district/summons?from={since}"))
    assert f'id="summons-{new.id}"' in recent and f'id="summons-{old.id}"' not in recent
    assert client.get("/district/summons?from=junk&to=2026-13-45&state=x").status_code == 200
