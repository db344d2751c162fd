"""The organisation review chain: submit → district → centre (AP-W1, AP-W4, C-REV, C-AUD)."""

import pytest
import sqlalchemy as sa

from portal.models import AuditLog, OrgKind, ReviewState, Role
from portal.services import organisations
from portal.services.errors import NotAllowed, ServiceError, StateConflict
from portal.services.review import Decision
from tests.factories import make_org, make_user


def _audit(db, org):
    return db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "organisation",
                                  AuditLog.object_id == org.id).order_by(AuditLog.id)
    ).all()


def test_AP_W1_full_chain_through_the_views(client, login, db):
    org = make_org(OrgKind.ENTERPRISE, "110105")
    owner = make_user(Role.ENTERPRISE, org=org)
    login(owner)
    assert client.post("/enterprise/organisation/submit").status_code == 302
    client.post("/logout")

    login(make_user(Role.DISTRICT, district="110105"))
    assert org.name in client.get("/district/organisations").get_data(as_text=True)
    client.post(f"/district/organisations/{org.id}/review", data={"decision": "approve"})
    client.post("/logout")

    login(make_user(Role.CENTER))
    assert org.name in client.get("/center/organisations").get_data(as_text=True)
    client.post(f"/center/organisations/{org.id}/review", data={"decision": "approve"})

    db.session.refresh(org)
    assert org.status == ReviewState.APPROVED
    trail = [(a.action, a.from_state, a.to_state) for a in _audit(db, org)]
    assert trail == [
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "district_approved"),
        ("approve", "district_approved", "approved"),
    ]


@pytest.mark.parametrize("decision", [Decision.RETURN, Decision.REJECT])
def test_C_REV_return_and_reject_need_a_comment(db, decision):
    org = make_org(status=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    with pytest.raises(ServiceError, match="C-REV"):
        organisations.district_review(reviewer, org, decision, "  ")
    db.session.rollback()
    db.session.refresh(org)
    assert org.status == ReviewState.SUBMITTED


def test_C_REV_return_via_view_without_comment_shows_the_rule(client, login, db):
    org = make_org(status=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    body = client.post(f"/district/organisations/{org.id}/review",
                       data={"decision": "return"}).get_data(as_text=True)
    assert "C-REV" in body
    db.session.refresh(org)
    assert org.status == ReviewState.SUBMITTED


def test_AP_W4_returned_record_is_resubmitted_by_its_owner(db):
    org = make_org(status=ReviewState.SUBMITTED)
    owner = make_user(Role.ENTERPRISE, org=org)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.RETURN, "请补充营业执照")
    db.session.commit()
    assert org.status == ReviewState.RETURNED
    other = make_user(Role.ENTERPRISE, org=make_org())
    with pytest.raises(NotAllowed):
        organisations.submit(other, org)
    db.session.rollback()
    organisations.submit(owner, org)
    db.session.commit()
    assert org.status == ReviewState.SUBMITTED


def test_AP_W4_approving_twice_is_refused(db):
    org = make_org(status=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.APPROVE)
    db.session.commit()
    with pytest.raises(StateConflict):
        organisations.district_review(reviewer, org, Decision.APPROVE)


def test_AP_W4_no_step_can_be_skipped(db):
    org = make_org(status=ReviewState.SUBMITTED)
    with pytest.raises(StateConflict):
        organisations.center_review(make_user(Role.CENTER), org, Decision.APPROVE)
    draft = make_org()
    with pytest.raises(StateConflict):
        organisations.district_review(make_user(Role.DISTRICT, district="110105"), draft,
                                      Decision.APPROVE)


def test_AP_W4_guarded_update_refuses_a_stale_second_reviewer(db):
    org = make_org(status=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    # Another reviewer's decision lands between this reviewer's read and write.
    db.session.execute(sa.text("UPDATE organisation SET status='returned' WHERE id=:id"),
                       {"id": org.id})
    with pytest.raises(StateConflict):
        organisations.district_review(reviewer, org, Decision.APPROVE)
    db.session.rollback()
    assert not _audit(db, org)


def test_C_AUD_audit_log_refuses_update_and_delete(db):
    org = make_org(status=ReviewState.SUBMITTED)
    organisations.district_review(make_user(Role.DISTRICT, district="110105"), org,
                                  Decision.APPROVE)
    db.session.commit()
    for statement in ("UPDATE audit_log SET comment='x'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert len(_audit(db, org)) == 1


def test_C_AUD_timeline_shows_who_when_what_and_comment(client, login, db):
    org = make_org(status=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.RETURN, "请补充营业执照")
    db.session.commit()
    owner = make_user(Role.ENTERPRISE, org=org)
    login(owner)
    page = client.get("/enterprise/").get_data(as_text=True)
    assert "退回修改" in page and "请补充营业执照" in page and reviewer.display_name in page


def test_AP_N3_four_centres_enterprises_lead_the_district_queue(client, login):
    plain = make_org(status=ReviewState.SUBMITTED)
    priority = make_org(status=ReviewState.SUBMITTED, four_centres=True)
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get("/district/organisations").get_data(as_text=True)
    assert page.index(priority.name) < page.index(plain.name)


def test_district_list_filters_return_a_fragment_for_htmx(client, login):
    make_org(status=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    fragment = client.hx_get("/district/organisations?status=all").get_data(as_text=True)
    assert "<html" not in fragment and "<table" in fragment


def test_organisation_list_query_count_is_constant(client, login, count_queries):
    login(make_user(Role.CENTER))
    for district in ("110101", "110105", "110108"):
        make_org(district=district, status=ReviewState.DISTRICT_APPROVED)
    with count_queries() as few:
        client.get("/center/organisations")
    for _ in range(15):
        make_org(status=ReviewState.DISTRICT_APPROVED)
    with count_queries() as many:
        client.get("/center/organisations")
    assert len(many) == len(few)


def test_lists_paginate_and_keep_their_filters(client, login):
    for _ in range(25):
        make_org(status=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    first = client.get("/district/organisations?status=submitted").get_data(as_text=True)
    assert "下一页" in first and "page=2" in first and "status=submitted" in first
    second = client.get("/district/organisations?status=submitted&page=2")
    assert second.status_code == 200 and "上一页" in second.get_data(as_text=True)
