"""C-DIST: a district reads its own district's entries only, whatever the URL says."""

import pytest

from portal.models import OrgKind, Role
from tests.factories import make_org_user, make_user
from tests.reports.audit_log.auditlog_world import seeded

DISTRICT_URL, CENTRE_URL = "/district/audit-log", "/center/audit-log"


def test_C_DIST_auditlog_district_lists_only_own_entries(app, login):
    own, peer, centre = seeded()
    page = login(own.staff).get(DISTRICT_URL).get_data(as_text=True)
    for marker in ("甲项目通过", "甲学籍通过", "甲单位复核"):
        assert marker in page
    for marker in ("乙项目通过", "乙学籍通过", "乙单位复核", "丙市级参数", "乙审核员"):
        assert marker not in page


def test_C_DIST_auditlog_centre_lists_every_district(app, login):
    own, peer, centre = seeded()
    page = login(centre).get(CENTRE_URL).get_data(as_text=True)
    for marker in ("甲项目通过", "乙项目通过", "乙学籍通过", "丙市级参数"):
        assert marker in page
    # The centre's district filter uses the same scope as a district's own list.
    page = login(centre).get(CENTRE_URL, query_string={"district": "110108"}).get_data(as_text=True)
    assert "乙项目通过" in page and "甲项目通过" not in page and "丙市级参数" not in page


@pytest.mark.parametrize("field", ["person_id", "person_name", "org", "actor", "district",
                                   "object_type", "before"])
def test_C_DIST_auditlog_peer_entries_never_listed_by_filter(app, login, field):
    own, peer, centre = seeded()
    args = {
        "person_id": {"person": peer.apprentice.resident_id},
        "person_name": {"person": peer.apprentice.name},
        "org": {"org": peer.org.name},
        "actor": {"actor": peer.staff.username},
        "district": {"district": "110108"},
        "object_type": {"object_type": "programme"},
        "before": {"before": "999999999"},
    }[field]
    client = login(own.staff)
    assert client.get(DISTRICT_URL, query_string=args).status_code == 200
    # The results block (the form echoes what was typed): no peer marker, staff or person.
    results = client.hx_get(DISTRICT_URL, query_string=args).get_data(as_text=True)
    assert "<html" not in results
    assert "乙" not in results and peer.apprentice.name not in results


def test_C_DIST_auditlog_peer_entry_reveal_is_404_and_not_audited(app, db, login):
    from portal.models import AuditLog

    own, peer, centre = seeded()
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.comment == "乙学籍通过"))
    client = login(own.staff)
    assert client.post(f"/district/audit-log/{entry.id}/identity", htmx=True).status_code == 404
    assert client.post(f"/district/audit-log/{entry.id}/identity").status_code == 404
    looks = db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "view_full_id")
    assert db.session.scalar(looks) == 0


@pytest.mark.parametrize("kind", [OrgKind.ENTERPRISE, OrgKind.INSTITUTION])
def test_C_DIST_auditlog_organisations_refused(app, login, kind):
    seeded()
    client = login(make_org_user(kind))
    for url in (DISTRICT_URL, CENTRE_URL, f"{CENTRE_URL}/export.xlsx"):
        assert client.get(url).status_code in (403, 404)
    assert client.post(f"{CENTRE_URL}/1/identity").status_code in (403, 404)


def test_C_DIST_auditlog_trainee_and_district_on_centre_url_refused(app, login):
    own, peer, centre = seeded()
    assert login(make_user(Role.TRAINEE)).get(DISTRICT_URL).status_code in (403, 404)
    client = login(own.staff)
    assert client.get(CENTRE_URL).status_code == 403
    assert client.get(f"{CENTRE_URL}/export.xlsx").status_code == 403
