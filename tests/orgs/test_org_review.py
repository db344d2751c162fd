"""The organisation review chain: submit → district → centre (AP-W1, AP-W4, C-REV, C-AUD)."""

import json

import pytest
import sqlalchemy as sa

from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import Decision
from portal.models import AuditLog, Organisation, OrgKind, ReviewState, Role
from portal.orgs import services as organisations
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
    assert org.state == ReviewState.APPROVED
    trail = [(a.action, a.from_state, a.to_state) for a in _audit(db, org)]
    assert trail == [
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "district_approved"),
        ("approve", "district_approved", "approved"),
    ]


@pytest.mark.parametrize("decision", [Decision.RETURN, Decision.REJECT])
def test_C_REV_return_and_reject_need_a_comment(db, decision):
    org = make_org(state=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    with pytest.raises(ServiceError, match="C-REV"):
        organisations.district_review(reviewer, org, decision, "  ")
    db.session.rollback()
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED


def test_C_REV_return_via_view_without_comment_shows_the_rule(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    response = client.post(f"/district/organisations/{org.id}/review",
                           data={"decision": "return"}, follow_redirects=True)
    assert "C-REV" in response.get_data(as_text=True)
    assert response.request.path == f"/district/organisations/{org.id}"
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED


def test_AP_W4_returned_record_is_resubmitted_by_its_owner(db):
    org = make_org(state=ReviewState.SUBMITTED)
    owner = make_user(Role.ENTERPRISE, org=org)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.RETURN, "请补充营业执照")
    db.session.commit()
    assert org.state == ReviewState.RETURNED
    other = make_user(Role.ENTERPRISE, org=make_org())
    with pytest.raises(NotAllowed):
        organisations.submit(other, org)
    db.session.rollback()
    organisations.submit(owner, org)
    db.session.commit()
    assert org.state == ReviewState.SUBMITTED


def test_AP_W4_approving_twice_is_refused(db):
    org = make_org(state=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.APPROVE)
    db.session.commit()
    with pytest.raises(StateConflict):
        organisations.district_review(reviewer, org, Decision.APPROVE)


def test_AP_W4_no_step_can_be_skipped(db):
    org = make_org(state=ReviewState.SUBMITTED)
    with pytest.raises(StateConflict):
        organisations.center_review(make_user(Role.CENTER), org, Decision.APPROVE)
    draft = make_org()
    with pytest.raises(StateConflict):
        organisations.district_review(make_user(Role.DISTRICT, district="110105"), draft,
                                      Decision.APPROVE)


def test_AP_W4_guarded_update_refuses_a_stale_second_reviewer(db):
    org = make_org(state=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    # Another reviewer's decision lands between this reviewer's read and write.
    db.session.execute(sa.text("UPDATE organisation SET state='returned' WHERE id=:id"),
                       {"id": org.id})
    with pytest.raises(StateConflict):
        organisations.district_review(reviewer, org, Decision.APPROVE)
    db.session.rollback()
    assert not _audit(db, org)


def test_C_AUD_audit_log_refuses_update_and_delete(db):
    org = make_org(state=ReviewState.SUBMITTED)
    organisations.district_review(make_user(Role.DISTRICT, district="110105"), org,
                                  Decision.APPROVE)
    db.session.commit()
    for statement in ("UPDATE audit_log SET comment='x'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert len(_audit(db, org)) == 1


def test_C_AUD_timeline_shows_who_when_what_and_comment(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    reviewer = make_user(Role.DISTRICT, district="110105")
    organisations.district_review(reviewer, org, Decision.RETURN, "请补充营业执照")
    db.session.commit()
    owner = make_user(Role.ENTERPRISE, org=org)
    login(owner)
    page = client.get("/enterprise/").get_data(as_text=True)
    assert "退回修改" in page and "请补充营业执照" in page and reviewer.display_name in page


def test_AP_N3_four_centres_enterprises_lead_the_district_queue(client, login):
    plain = make_org(state=ReviewState.SUBMITTED)
    priority = make_org(state=ReviewState.SUBMITTED, four_centres=True)
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get("/district/organisations").get_data(as_text=True)
    assert page.index(priority.name) < page.index(plain.name)


def test_district_list_filters_return_a_fragment_for_htmx(client, login):
    make_org(state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    fragment = client.hx_get("/district/organisations?status=all").get_data(as_text=True)
    assert "<html" not in fragment and "<table" in fragment


def test_organisation_list_query_count_is_constant(client, login, count_queries):
    login(make_user(Role.CENTER))
    for district in ("110101", "110105", "110108"):
        make_org(district=district, state=ReviewState.DISTRICT_APPROVED)
    with count_queries() as few:
        client.get("/center/organisations")
    for _ in range(15):
        make_org(state=ReviewState.DISTRICT_APPROVED)
    with count_queries() as many:
        client.get("/center/organisations")
    assert len(many) == len(few)


def test_lists_paginate_and_keep_their_filters(client, login):
    for _ in range(25):
        make_org(state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    first = client.get("/district/organisations?status=submitted").get_data(as_text=True)
    assert "下一页" in first and "page=2" in first and "status=submitted" in first
    second = client.get("/district/organisations?status=submitted&page=2")
    assert second.status_code == 200 and "上一页" in second.get_data(as_text=True)


# --- Inline review of the organisation queue with htmx (as the programme queue) ----------


def _district_reviewer(login, district="110105"):
    return login(make_user(Role.DISTRICT, district=district))


def test_AP_W1_inline_approve_swaps_the_row_and_triggers_the_counts(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    response = client.post(f"/district/organisations/{org.id}/review",
                           data={"decision": "approve"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="organisation-{org.id}"')
    assert body.rstrip().endswith("</tr>") and "<html" not in body
    assert "待市级复核" in body and 'name="decision"' not in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["organisationReviewed"] is True
    assert trigger["toast"] == {"message": f"已通过：{org.name}", "level": "success"}
    db.session.refresh(org)
    assert org.state == ReviewState.DISTRICT_APPROVED


def test_C_REV_inline_return_without_comment_keeps_the_row_with_the_rule(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    response = client.post(f"/district/organisations/{org.id}/review",
                           data={"decision": "return", "comment": " "}, htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="organisation-{org.id}"')
    assert "C-REV" in body and 'role="alert"' in body and 'name="decision"' in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert "organisationReviewed" not in trigger and trigger["toast"]["level"] == "error"
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED


def test_C_REV_inline_return_with_comment_is_audited(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    response = client.post(f"/district/organisations/{org.id}/review",
                           data={"decision": "return", "comment": "请补充营业执照"}, htmx=True)
    assert "已退回修改" in json.loads(response.headers["HX-Trigger"])["toast"]["message"]
    db.session.refresh(org)
    assert org.state == ReviewState.RETURNED
    assert [(a.action, a.comment) for a in _audit(db, org)] == [("return", "请补充营业执照")]


def test_AP_W4_inline_approving_twice_answers_already_handled(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    client.post(f"/district/organisations/{org.id}/review", data={"decision": "approve"}, htmx=True)
    again = client.post(f"/district/organisations/{org.id}/review",
                        data={"decision": "approve"}, htmx=True)
    assert "已被处理" in again.get_data(as_text=True)
    assert "organisationReviewed" not in json.loads(again.headers["HX-Trigger"])
    assert len(_audit(db, org)) == 1


def test_C_DIST_another_districts_organisation_is_not_found(client, login, db):
    theirs = make_org(district="110108", state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    assert client.post(f"/district/organisations/{theirs.id}/review",
                       data={"decision": "approve"}, htmx=True).status_code == 404
    assert client.get(f"/district/organisations/{theirs.id}").status_code == 404
    db.session.refresh(theirs)
    assert theirs.state == ReviewState.SUBMITTED


def test_unknown_decision_is_a_bad_request(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    assert client.post(f"/district/organisations/{org.id}/review",
                       data={"decision": "maybe"}, htmx=True).status_code == 400


def test_counts_fragment_for_htmx_and_full_page_without(client, login, db):
    make_org(state=ReviewState.SUBMITTED)
    make_org(state=ReviewState.SUBMITTED)
    make_org(district="110108", state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    fragment = client.hx_get("/district/organisations/counts").get_data(as_text=True)
    assert fragment.lstrip().startswith('<nav id="queue-counts"') and "<html" not in fragment
    assert "<strong>2</strong><span>待区级审核</span>" in fragment
    assert 'hx-trigger="organisationReviewed from:body"' in fragment
    page = client.get("/district/organisations/counts").get_data(as_text=True)
    assert "<html" in page and 'id="queue-counts"' in page and "<table" in page


def test_centre_list_has_counts_and_inline_forms(client, login, db):
    org = make_org(district="110108", state=ReviewState.DISTRICT_APPROVED)
    login(make_user(Role.CENTER))
    page = client.get("/center/organisations").get_data(as_text=True)
    assert 'hx-get="/center/organisations/counts?status=district_approved"' in page
    assert f'hx-post="/center/organisations/{org.id}/review"' in page
    assert f'<label for="comment-{org.id}" class="visually-hidden">' in page
    response = client.post(f"/center/organisations/{org.id}/review",
                           data={"decision": "approve"}, htmx=True)
    assert "organisationReviewed" in json.loads(response.headers["HX-Trigger"])
    db.session.refresh(org)
    assert org.state == ReviewState.APPROVED
    counts = client.hx_get("/center/organisations/counts").get_data(as_text=True)
    assert "<html" not in counts and "<strong>1</strong><span>已通过</span>" in counts


def test_plain_post_without_htmx_redirects(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    response = client.post(f"/district/organisations/{org.id}/review", data={"decision": "approve"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/district/organisations")
    db.session.refresh(org)
    assert org.state == ReviewState.DISTRICT_APPROVED
    listing = client.get("/district/organisations").get_data(as_text=True)
    assert f"已通过：{org.name}" in listing  # flashed


def test_detail_page_reviews_with_the_three_buttons(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    _district_reviewer(login)
    page = client.get(f"/district/organisations/{org.id}").get_data(as_text=True)
    assert 'type="radio"' not in page and "提交审核结论" not in page
    assert '<label for="review-comment">' in page
    for value in ("approve", "return", "reject"):
        assert f'name="decision" value="{value}"' in page
    detail_url = f"http://localhost/district/organisations/{org.id}"
    response = client.post(f"/district/organisations/{org.id}/review",
                           data={"decision": "reject", "comment": "材料不实"},
                           headers={"Referer": detail_url}, follow_redirects=True)
    assert response.request.path == f"/district/organisations/{org.id}"
    body = response.get_data(as_text=True)
    assert f"已不予通过：{org.name}" in body and 'name="decision"' not in body
    db.session.refresh(org)
    assert org.state == ReviewState.REJECTED


def test_AP_W1_a_reviewer_clears_20_organisations_inline(client, login, db):
    queue = [make_org(state=ReviewState.SUBMITTED) for _ in range(20)]
    _district_reviewer(login)
    for org in queue:
        response = client.post(f"/district/organisations/{org.id}/review",
                               data={"decision": "approve"}, htmx=True)
        body = response.get_data(as_text=True)
        assert "<html" not in body and f'id="organisation-{org.id}"' in body
        assert "organisationReviewed" in json.loads(response.headers["HX-Trigger"])
    left = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)
                             .where(Organisation.state == ReviewState.SUBMITTED))
    assert left == 0
    counts = client.hx_get("/district/organisations/counts").get_data(as_text=True)
    assert "<strong>0</strong><span>待区级审核</span>" in counts
    assert "<strong>20</strong><span>待市级复核</span>" in counts
