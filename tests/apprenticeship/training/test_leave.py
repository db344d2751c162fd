"""Leave (请假/销假, AP-P2): the trainee asks on the phone, the enterprise decides inline."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.apprenticeship.training import leave as leave_service
from portal.core.errors import NotAllowed, ServiceError
from portal.models import (
    AuditLog,
    Enrolment,
    EnrolmentState,
    LeaveRequest,
    LeaveState,
    Organisation,
    ReviewState,
    Role,
    User,
)
from tests.enrolment_factories import make_enrolment, make_leave, trainee_of
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme
from tests.races import at_once, needs_postgres


def _employer(enrolment):
    return make_user(Role.ENTERPRISE, org=_org(enrolment.enterprise_id))


def _org(org_id):
    from portal.extensions import db

    return db.session.get(Organisation, org_id)


def _leaves(db, enrolment):
    return db.session.scalars(sa.select(LeaveRequest)
                              .where(LeaveRequest.enrolment_id == enrolment.id)
                              .order_by(LeaveRequest.id)).all()


def _ask(client, start, end, reason="发烧就医", **extra):
    return client.post("/m/leave", data={"start_date": start, "end_date": end,
                                         "reason": reason, **extra})


# --- The trainee's side ---------------------------------------------------------------------


def test_AP_P2_trainee_requests_leave_on_the_phone(client, login, db):
    enrolment = make_enrolment()
    login(trainee_of(enrolment))
    page = client.get("/m/leave").get_data(as_text=True)
    assert 'for="start_date"' in page and 'for="end_date"' in page and 'for="reason"' in page
    response = _ask(client, "2026-12-01", "2026-12-02")
    assert response.status_code == 302
    [leave] = _leaves(db, enrolment)
    assert (leave.state, leave.start_date, leave.end_date) == (
        LeaveState.REQUESTED, date(2026, 12, 1), date(2026, 12, 2))
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "leave_request"))
    assert audit.object_id == leave.id and audit.action == "request"
    listed = client.get("/m/leave").get_data(as_text=True)
    assert "待审批" in listed and "撤回申请" in listed


def test_AP_P2_leave_overlapping_existing_leave_refused(client, login, db):
    enrolment = make_enrolment()
    make_leave(enrolment, date(2026, 12, 1), date(2026, 12, 3), state=LeaveState.APPROVED)
    login(trainee_of(enrolment))
    # Dates are inclusive: sharing only the last day is an overlap.
    page = _ask(client, "2026-12-03", "2026-12-05").get_data(as_text=True)
    assert "时间重叠" in page and "2026-12-01至2026-12-03" in page and "AP-P2" in page
    assert len(_leaves(db, enrolment)) == 1
    # The next day is free.
    assert _ask(client, "2026-12-04", "2026-12-05").status_code == 302
    # A pending request blocks too.
    page = _ask(client, "2026-12-05", "2026-12-06").get_data(as_text=True)
    assert "时间重叠" in page
    assert len(_leaves(db, enrolment)) == 2


def test_AP_P2_rejected_or_cancelled_leave_does_not_block_new_dates(client, login, db):
    enrolment = make_enrolment()
    make_leave(enrolment, date(2026, 12, 1), date(2026, 12, 3), state=LeaveState.REJECTED)
    make_leave(enrolment, date(2026, 12, 1), date(2026, 12, 3), state=LeaveState.CANCELLED)
    login(trainee_of(enrolment))
    assert _ask(client, "2026-12-02", "2026-12-02").status_code == 302


def test_AP_P2_leave_dates_must_be_ordered_and_at_most_90_days(client, login, db):
    enrolment = make_enrolment()
    login(trainee_of(enrolment))
    assert "结束日期不能早于开始日期" in _ask(client, "2026-12-05", "2026-12-01").get_data(as_text=True)
    start = date(2027, 1, 1)
    too_long = _ask(client, start.isoformat(), (start + timedelta(days=90)).isoformat())
    assert "不能超过90天" in too_long.get_data(as_text=True)
    assert _leaves(db, enrolment) == []
    assert _ask(client, start.isoformat(), (start + timedelta(days=89)).isoformat()).status_code == 302


def test_AP_P2_service_refuses_bad_dates_without_the_form(db):
    enrolment = make_enrolment()
    trainee = trainee_of(enrolment)
    with pytest.raises(ServiceError, match="结束日期"):
        leave_service.request_leave(trainee, enrolment, date(2026, 12, 5), date(2026, 12, 1), "事假")
    with pytest.raises(ServiceError, match="原因"):
        leave_service.request_leave(trainee, enrolment, date(2026, 12, 1), date(2026, 12, 1), " ")


def test_AP_P2_trainee_cannot_request_leave_for_someone_elses_enrolment(client, login, db):
    mine = make_enrolment()
    theirs = make_enrolment()
    login(trainee_of(mine))
    # An enrolment id in the form is ignored: the enrolment comes from the logged-in user.
    _ask(client, "2026-12-01", "2026-12-01", enrolment_id=theirs.id)
    assert _leaves(db, theirs) == [] and len(_leaves(db, mine)) == 1
    # The service refuses too, whoever calls it.
    with pytest.raises(NotAllowed):
        leave_service.request_leave(trainee_of(mine), theirs, date(2026, 12, 9),
                                    date(2026, 12, 9), "事假")
    # Someone else's leave is out of scope: 404, not 403.
    other = make_leave(theirs)
    assert client.post(f"/m/leave/{other.id}/cancel").status_code == 404
    assert client.post(f"/m/leave/{other.id}/return",
                       data={"returned_on": "2026-06-02"}).status_code == 404
    db.session.refresh(other)
    assert other.state == LeaveState.REQUESTED


def test_AP_P2_trainee_without_training_cannot_ask(client, login, db):
    suspended = make_enrolment(state=EnrolmentState.SUSPENDED)
    login(trainee_of(suspended))
    page = client.get("/m/leave").get_data(as_text=True)
    assert "暂停培训" in page and 'name="reason"' not in page
    response = _ask(client, "2026-12-01", "2026-12-01")
    assert response.status_code == 200 and "不在培训中" in response.get_data(as_text=True)
    assert _leaves(db, suspended) == []
    nobody = make_user(Role.TRAINEE)
    client.post("/logout")
    login(nobody)
    assert "没有在训" in client.get("/m/leave").get_data(as_text=True)
    assert _ask(client, "2026-12-01", "2026-12-01").status_code == 302


def test_AP_P2_trainee_cancels_a_pending_request_only(client, login, db):
    enrolment = make_enrolment()
    pending = make_leave(enrolment)
    approved = make_leave(enrolment, date(2026, 7, 1), date(2026, 7, 2), state=LeaveState.APPROVED)
    login(trainee_of(enrolment))
    assert client.post(f"/m/leave/{pending.id}/cancel").status_code == 302
    client.post(f"/m/leave/{approved.id}/cancel")
    page = client.get("/m/leave").get_data(as_text=True)
    assert "已被处理" in page
    db.session.refresh(pending)
    db.session.refresh(approved)
    assert (pending.state, approved.state) == (LeaveState.CANCELLED, LeaveState.APPROVED)


def test_AP_P2_trainee_reports_back_after_approved_leave(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment, date(2026, 6, 1), date(2026, 6, 5), state=LeaveState.APPROVED)
    login(trainee_of(enrolment))
    assert "销假" in client.get("/m/leave").get_data(as_text=True)
    client.post(f"/m/leave/{leave.id}/return", data={"returned_on": "2026-05-30"})
    assert "不能早于请假开始日期" in client.get("/m/leave").get_data(as_text=True)
    future = (leave_service.today() + timedelta(days=1)).isoformat()
    client.post(f"/m/leave/{leave.id}/return", data={"returned_on": future})
    assert "不能晚于今天" in client.get("/m/leave").get_data(as_text=True)
    db.session.refresh(leave)
    assert leave.state == LeaveState.APPROVED
    # Back early, on the fourth day.
    client.post(f"/m/leave/{leave.id}/return", data={"returned_on": "2026-06-04"})
    db.session.refresh(leave)
    assert (leave.state, leave.returned_on) == (LeaveState.RETURNED, date(2026, 6, 4))
    assert "已销假" in client.get("/m/leave").get_data(as_text=True)


# --- The enterprise's side ------------------------------------------------------------------


def test_AP_P2_enterprise_approves_leave_inline(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    employer = _employer(enrolment)
    login(employer)
    page = client.get("/enterprise/leave").get_data(as_text=True)
    assert f'id="leave-{leave.id}"' in page and "<html" in page
    response = client.post(f"/enterprise/leave/{leave.id}/decide",
                           data={"decision": "approve"}, htmx=True)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="leave-{leave.id}"') and "<html" not in body
    assert "已批准" in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["leaveDecided"] is True and "批准" in trigger["toast"]["message"]
    db.session.refresh(leave)
    assert leave.state == LeaveState.APPROVED and leave.decided_by_id == employer.id
    counts = client.hx_get("/enterprise/leave/counts").get_data(as_text=True)
    assert 'id="leave-counts"' in counts and "<html" not in counts


def test_C_REV_leave_rejection_needs_a_reason_the_trainee_sees(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    login(_employer(enrolment))
    response = client.post(f"/enterprise/leave/{leave.id}/decide",
                           data={"decision": "reject", "comment": ""}, htmx=True)
    assert "C-REV" in response.get_data(as_text=True)
    assert "leaveDecided" not in json.loads(response.headers["HX-Trigger"])
    db.session.refresh(leave)
    assert leave.state == LeaveState.REQUESTED
    client.post(f"/enterprise/leave/{leave.id}/decide",
                data={"decision": "reject", "comment": "生产任务紧，请改期"}, htmx=True)
    db.session.refresh(leave)
    assert leave.state == LeaveState.REJECTED
    client.post("/logout")
    login(trainee_of(enrolment))
    page = client.get("/m/leave").get_data(as_text=True)
    assert "未批准" in page and "生产任务紧，请改期" in page


def test_AP_P2_another_enterprise_cannot_decide(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    login(make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED)))
    assert f"leave-{leave.id}" not in client.get("/enterprise/leave").get_data(as_text=True)
    response = client.post(f"/enterprise/leave/{leave.id}/decide",
                           data={"decision": "approve"}, htmx=True)
    assert response.status_code == 404
    db.session.refresh(leave)
    assert leave.state == LeaveState.REQUESTED


def test_AP_P2_C_DIST_only_the_employer_approves_leave_even_calling_the_service(db):
    # The view's scoped load already answers 404; the service must refuse on its own too.
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    other_employer = make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED))
    district = make_user(Role.DISTRICT, district=enrolment.district_code)
    for outsider in (other_employer, district, trainee_of(enrolment)):
        with pytest.raises(NotAllowed, match="无权审批"):
            leave_service.decide(outsider, leave, leave_service.LeaveDecision.APPROVE)
    db.session.rollback()
    db.session.refresh(leave)
    assert leave.state == LeaveState.REQUESTED and leave.decided_by_id is None
    assert not db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == leave_service.OBJECT_TYPE, AuditLog.object_id == leave.id)).all()


def test_AP_P2_deciding_twice_answers_already_handled(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    login(_employer(enrolment))
    client.post(f"/enterprise/leave/{leave.id}/decide", data={"decision": "approve"}, htmx=True)
    again = client.post(f"/enterprise/leave/{leave.id}/decide",
                        data={"decision": "reject", "comment": "不行"}, htmx=True)
    assert "已被处理" in again.get_data(as_text=True)
    db.session.refresh(leave)
    assert leave.state == LeaveState.APPROVED
    assert client.post(f"/enterprise/leave/{leave.id}/decide",
                       data={"decision": "bogus"}, htmx=True).status_code == 400


def test_AP_P2_plain_post_without_htmx_redirects_back(client, login, db):
    enrolment = make_enrolment()
    leave = make_leave(enrolment)
    login(_employer(enrolment))
    response = client.post(f"/enterprise/leave/{leave.id}/decide", data={"decision": "approve"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/enterprise/leave")


def test_AP_P2_leave_of_a_withdrawn_apprentice_cannot_be_approved(client, login, db):
    enrolment = make_enrolment(state=EnrolmentState.WITHDRAWN)
    leave = make_leave(enrolment)
    login(_employer(enrolment))
    body = client.post(f"/enterprise/leave/{leave.id}/decide",
                       data={"decision": "approve"}, htmx=True).get_data(as_text=True)
    assert "不在培训中" in body
    db.session.refresh(leave)
    assert leave.state == LeaveState.REQUESTED


def test_enterprise_leave_list_query_count_is_constant(client, login, count_queries):
    programme = make_programme(state=ReviewState.APPROVED)
    make_leave(make_enrolment(programme=programme))
    login(_employer(make_enrolment(programme=programme)))
    with count_queries() as few:
        client.get("/enterprise/leave")
    for _ in range(12):
        make_leave(make_enrolment(programme=programme))
    with count_queries() as many:
        page = client.get("/enterprise/leave")
    assert page.get_data(as_text=True).count('<tr id="leave-') == 13
    assert len(many) == len(few)


@needs_postgres
def test_AP_P2_two_overlapping_requests_at_once_make_one_leave(app, db):
    enrolment = make_enrolment()
    enrolment_id, trainee_id = enrolment.id, trainee_of(enrolment).id

    def ask(day: int):
        return lambda: leave_service.request_leave(
            db.session.get(User, trainee_id), db.session.get(Enrolment, enrolment_id),
            date(2026, 12, day), date(2026, 12, day + 2), "事假")

    outcomes = at_once(app, db, ask(1), ask(2))
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    assert any("时间重叠" in outcome for outcome in outcomes)
    assert len(_leaves(db, enrolment)) == 1
