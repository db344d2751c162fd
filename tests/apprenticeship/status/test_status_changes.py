"""Changes of status (学籍异动, AP-P2): requested by the enterprise, decided by the district
(C-REV, C-DIST), applied in the decision's transaction (seats, AP-E5, AP-C3)."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from portal.apprenticeship.status import services as status_changes
from portal.core.errors import ServiceError
from portal.core.workflow import Decision
from portal.extensions import db as _db
from portal.models import (
    AuditLog,
    Enrolment,
    EnrolmentState,
    Organisation,
    Programme,
    ReviewState,
    Role,
    StatusChange,
    User,
)
from tests.enrolment_factories import make_enrolment, make_status_change
from tests.factories import make_user
from tests.programme_factories import make_programme
from tests.races import at_once, needs_postgres


def _employer(enrolment):
    return make_user(Role.ENTERPRISE, org=_db.session.get(Organisation, enrolment.enterprise_id))


def _district(code="110105"):
    return make_user(Role.DISTRICT, district=code)


def _request(client, enrolment, kind, **fields):
    data = {"enrolment_id": enrolment.id, "kind": kind, "effective_on": "2026-12-01",
            "reason": fields.pop("reason", "学徒申请"), **fields}
    return client.post("/enterprise/status-changes/new", data=data)


def _review(client, change, decision, comment="", htmx=True):
    return client.post(f"/district/status-changes/{change.id}/review",
                       data={"decision": decision, "comment": comment}, htmx=htmx)


def _review_enrolment(client, enrolment, decision):
    return client.post(f"/district/enrolments/{enrolment.id}/review",
                       data={"decision": decision}, headers={"HX-Request": "true"})


def _changes(enrolment):
    return _db.session.scalars(sa.select(StatusChange)
                               .where(StatusChange.enrolment_id == enrolment.id)).all()


def _refresh(*objects):
    for obj in objects:
        _db.session.refresh(obj)


def _audit(object_type, object_id):
    return [(a.action, a.from_state, a.to_state) for a in _db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == object_type,
                                  AuditLog.object_id == object_id).order_by(AuditLog.id))]


# --- Request and approval --------------------------------------------------------------------


def test_AP_P2_status_change_needs_district_approval(client, login, db):
    enrolment = make_enrolment()
    login(_employer(enrolment))
    form = client.get(f"/enterprise/status-changes/new?enrolment_id={enrolment.id}")
    assert f'<option selected value="{enrolment.id}">' in form.get_data(as_text=True)
    response = _request(client, enrolment, "suspend", reason="因病住院需休养三个月")
    assert response.status_code == 302
    [change] = _changes(enrolment)
    _refresh(enrolment)
    # Requested, not applied: the district has not approved yet.
    assert change.state == "submitted" and enrolment.state == EnrolmentState.ACTIVE
    assert change.district_code == enrolment.district_code
    client.post("/logout")
    login(_district())
    queue = client.get("/district/status-changes").get_data(as_text=True)
    assert f'id="status-change-{change.id}"' in queue and "因病住院" in queue
    response = _review(client, change, "approve")
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="status-change-{change.id}"') and "<html" not in body
    assert "已批准" in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["statusChangeReviewed"] is True
    _refresh(change, enrolment)
    assert change.state == "approved" and enrolment.state == EnrolmentState.SUSPENDED
    assert _audit("status_change", change.id) == [
        ("submit", None, "submitted"), ("approve", "submitted", "approved")]
    assert ("suspend", "active", "suspended") in _audit("enrolment", enrolment.id)
    counts = client.hx_get("/district/status-changes/counts").get_data(as_text=True)
    assert 'id="change-counts"' in counts and "<html" not in counts


def test_AP_P2_resumption_brings_the_apprentice_back(db):
    enrolment = make_enrolment(state=EnrolmentState.SUSPENDED)
    change = status_changes.request_change(_employer(enrolment), enrolment, status_changes.ChangeData(
        kind="resume", reason="康复返岗", effective_on=date(2026, 12, 1)))
    status_changes.decide(_district(), change, Decision.APPROVE)
    db.session.commit()
    _refresh(enrolment)
    assert enrolment.state == EnrolmentState.ACTIVE


def test_AP_P2_withdrawal_frees_the_seat(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED, planned_count=2)
    enrolment = make_enrolment(programme=programme)
    make_enrolment(programme=programme)
    _refresh(programme)
    assert programme.enrolled_count == 2
    change = make_status_change(enrolment, "withdraw", effective_on=date(2026, 10, 31))
    login(_district())
    _review(client, change, "approve")
    _refresh(programme, enrolment)
    assert programme.enrolled_count == 1
    assert enrolment.state == EnrolmentState.WITHDRAWN and enrolment.ended_on == date(2026, 10, 31)
    assert ("withdraw", "active", "withdrawn") in _audit("enrolment", enrolment.id)


def test_AP_P2_AP_W2_transfer_submits_a_new_registration_for_establishment(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    enrolment = make_enrolment(programme=programme)
    enterprise = db.session.get(Organisation, programme.enterprise_id)
    target = make_programme(state=ReviewState.APPROVED, enterprise=enterprise, planned_count=3)
    login(_employer(enrolment))
    assert _request(client, enrolment, "transfer",
                    target_programme_id=target.id).status_code == 302
    [change] = _changes(enrolment)
    client.post("/logout")
    login(_district())
    _review(client, change, "approve")
    _refresh(programme, target, enrolment)
    assert enrolment.state == EnrolmentState.TRANSFERRED and enrolment.ended_on == date(2026, 12, 1)
    assert (programme.enrolled_count, target.enrolled_count) == (0, 1)
    new = db.session.scalar(sa.select(Enrolment).where(Enrolment.programme_id == target.id))
    # Not established by the transfer: the district establishes it as any registration.
    assert new.apprentice_id == enrolment.apprentice_id and new.state == EnrolmentState.SUBMITTED
    assert new.established_on is None and new.agreement_id is None
    assert new.enterprise_id == enrolment.enterprise_id
    assert ("transfer", "active", "transferred") in _audit("enrolment", enrolment.id)
    assert ("transfer_in", None, "submitted") in _audit("enrolment", new.id)
    # The old record keeps its history.
    assert ("status_change_requested", None, None) in _audit("enrolment", enrolment.id)
    refused = _review_enrolment(client, new, "approve").get_data(as_text=True)
    assert "AP-A1" in refused


def test_AP_P2_transfer_into_a_full_programme_is_refused_with_nothing_half_written(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    enrolment = make_enrolment(programme=programme)
    enterprise = db.session.get(Organisation, programme.enterprise_id)
    target = make_programme(state=ReviewState.APPROVED, enterprise=enterprise, planned_count=1)
    change = make_status_change(enrolment, "transfer", target_programme_id=target.id)
    make_enrolment(programme=target)  # the last seat goes while the change waits
    login(_district())
    body = _review(client, change, "approve").get_data(as_text=True)
    assert "目标项目已满" in body
    _refresh(programme, target, enrolment, change)
    assert change.state == "submitted" and enrolment.state == EnrolmentState.ACTIVE
    assert (programme.enrolled_count, target.enrolled_count) == (1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                             .where(Enrolment.apprentice_id == enrolment.apprentice_id)) == 1
    assert _audit("status_change", change.id) == []


def test_AP_P2_transfer_request_needs_an_approved_programme_of_the_same_enterprise(client, login, db):
    enrolment = make_enrolment()
    enterprise = db.session.get(Organisation, enrolment.enterprise_id)
    full = make_programme(state=ReviewState.APPROVED, enterprise=enterprise, planned_count=1)
    make_enrolment(programme=full)
    draft = make_programme(state=ReviewState.DRAFT, enterprise=enterprise)
    foreign = make_programme(state=ReviewState.APPROVED)
    login(_employer(enrolment))
    assert "目标项目已满" in _request(client, enrolment, "transfer",
                                  target_programme_id=full.id).get_data(as_text=True)
    for other in (draft, foreign):
        page = _request(client, enrolment, "transfer", target_programme_id=other.id)
        assert "只能转入本企业另一个已通过审核的培训项目" in page.get_data(as_text=True)
    assert "须选择转入的培训项目" in _request(client, enrolment, "transfer").get_data(as_text=True)
    assert _changes(enrolment) == []


def test_AP_C3_extension_beyond_three_years_refused(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED, level="advanced", duration_months=24,
                               extension_reason="")
    enrolment = make_enrolment(programme=programme)
    login(_employer(enrolment))
    page = _request(client, enrolment, "extend", extension_months=13).get_data(as_text=True)
    assert "AP-C3" in page and "超过36个月" in page
    assert _changes(enrolment) == []
    assert _request(client, enrolment, "extend", extension_months=12).status_code == 302
    [change] = _changes(enrolment)
    assert status_changes.enrolment_planned_end(enrolment) == date(2028, 2, 29)
    status_changes.decide(_district(), change, Decision.APPROVE)
    db.session.commit()
    # The planned end moves by the approved months; the next month would pass three years.
    assert status_changes.enrolment_planned_end(enrolment) == date(2029, 2, 28)
    assert "AP-C3" in _request(client, enrolment, "extend", extension_months=1).get_data(as_text=True)
    _refresh(enrolment)
    assert enrolment.state == EnrolmentState.ACTIVE
    assert ("extend", "active", "active") in _audit("enrolment", enrolment.id)


def test_AP_C3_extension_rechecked_on_approval(db):
    programme = make_programme(state=ReviewState.APPROVED, level="advanced", duration_months=30,
                               extension_reason="企业生产周期")
    enrolment = make_enrolment(programme=programme)
    make_status_change(enrolment, "extend", state="approved", extension_months=6)
    # Written around the service (an import, another engineer's code): approval still refuses.
    change = make_status_change(enrolment, "extend", extension_months=1)
    with pytest.raises(ServiceError, match="AP-C3"):
        status_changes.decide(_district(), change, Decision.APPROVE)
    db.session.rollback()
    _refresh(change)
    assert change.state == "submitted"


# --- C-REV: return, resubmit, reject, cancel -------------------------------------------------


def test_C_REV_status_change_return_needs_a_comment_then_the_enterprise_resubmits(client, login, db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "withdraw")
    login(_district())
    response = _review(client, change, "return")
    assert "C-REV" in response.get_data(as_text=True)
    assert "statusChangeReviewed" not in json.loads(response.headers["HX-Trigger"])
    _refresh(change)
    assert change.state == "submitted"
    _review(client, change, "return", "请补充学徒本人签字的退出申请")
    _refresh(change)
    assert change.state == "returned" and change.comment == "请补充学徒本人签字的退出申请"
    client.post("/logout")
    login(_employer(enrolment))
    page = client.get(f"/enterprise/status-changes/{change.id}").get_data(as_text=True)
    assert "请补充学徒本人签字" in page and "重新提交审核" in page
    response = client.post(f"/enterprise/status-changes/{change.id}/resubmit",
                           data={"effective_on": "2026-12-15", "reason": "已补充签字材料"})
    assert response.status_code == 302
    _refresh(change)
    assert (change.state, change.effective_on, change.reason, change.comment) == (
        "submitted", date(2026, 12, 15), "已补充签字材料", "")
    assert [a[0] for a in _audit("status_change", change.id)] == ["return", "submit"]


def test_C_REV_status_change_rejection_needs_a_reason(client, login, db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "suspend")
    login(_district())
    assert "C-REV" in _review(client, change, "reject").get_data(as_text=True)
    _review(client, change, "reject", "理由不充分")
    _refresh(change, enrolment)
    assert change.state == "rejected" and enrolment.state == EnrolmentState.ACTIVE
    assert ("status_change_rejected", None, None) in _audit("enrolment", enrolment.id)


def test_AP_P2_enterprise_cancels_an_open_request(client, login, db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "suspend")
    login(_employer(enrolment))
    assert client.post(f"/enterprise/status-changes/{change.id}/cancel").status_code == 302
    _refresh(change)
    assert change.state == "cancelled"
    client.post(f"/enterprise/status-changes/{change.id}/cancel")
    page = client.get(f"/enterprise/status-changes/{change.id}").get_data(as_text=True)
    assert "已被处理" in page


def test_AP_P2_only_one_open_change_per_enrolment(client, login, db):
    enrolment = make_enrolment()
    make_status_change(enrolment, "suspend", state="returned")
    login(_employer(enrolment))
    page = _request(client, enrolment, "withdraw").get_data(as_text=True)
    assert "未办结的学籍异动申请" in page
    assert len(_changes(enrolment)) == 1


def test_AP_P2_kind_must_fit_the_enrolment_state(client, login, db):
    enrolment = make_enrolment()
    login(_employer(enrolment))
    page = _request(client, enrolment, "resume").get_data(as_text=True)
    assert "不能申请恢复培训" in page
    assert "生效日期不能早于学籍建立日期" in _request(
        client, enrolment, "suspend", effective_on="2026-01-01").get_data(as_text=True)
    assert _changes(enrolment) == []


# --- Scope and races -------------------------------------------------------------------------


def test_C_DIST_district_b_cannot_see_or_decide_district_a_changes(client, login, db):
    enrolment = make_enrolment()  # 110105
    change = make_status_change(enrolment, "suspend")
    login(_district("110108"))
    assert f"status-change-{change.id}" not in client.get("/district/status-changes").get_data(as_text=True)
    assert _review(client, change, "approve").status_code == 404
    assert client.get(f"/district/status-changes/{change.id}").status_code == 404
    _refresh(change)
    assert change.state == "submitted"


def test_AP_P2_another_enterprise_cannot_see_or_request(client, login, db):
    enrolment = make_enrolment()
    change = make_status_change(enrolment, "suspend")
    other = make_enrolment()  # the other enterprise has apprentices of its own
    login(_employer(other))
    assert client.get(f"/enterprise/status-changes/{change.id}").status_code == 404
    assert client.post(f"/enterprise/status-changes/{change.id}/cancel").status_code == 404
    page = _request(client, enrolment, "withdraw").get_data(as_text=True)
    assert "请从列表中选择本企业" in page
    assert len(_changes(enrolment)) == 1


def test_AP_P2_approving_twice_answers_already_handled(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    enrolment = make_enrolment(programme=programme)
    change = make_status_change(enrolment, "withdraw")
    login(_district())
    _review(client, change, "approve")
    again = _review(client, change, "approve")
    assert "已被处理" in again.get_data(as_text=True)
    _refresh(programme)
    assert programme.enrolled_count == 0  # freed once, not twice


def test_AP_P2_centre_sees_every_district_read_only(client, login, db):
    north = make_status_change(make_enrolment(programme=make_programme(
        state=ReviewState.APPROVED, district="110119")), "suspend")
    south = make_status_change(make_enrolment(programme=make_programme(
        state=ReviewState.APPROVED, district="110115")), "withdraw")
    login(make_user(Role.CENTER))
    page = client.get("/center/status-changes").get_data(as_text=True)
    assert f"status-change-{north.id}" in page and f"status-change-{south.id}" in page
    assert "decision" not in page
    only_north = client.hx_get("/center/status-changes?district=110119").get_data(as_text=True)
    assert f"status-change-{north.id}" in only_north and f"status-change-{south.id}" not in only_north
    assert "<html" not in only_north and 'id="results"' not in only_north
    assert client.get(f"/center/status-changes/{south.id}").status_code == 200
    assert client.post(f"/district/status-changes/{south.id}/review",
                       data={"decision": "approve"}).status_code == 403


@pytest.mark.parametrize("url,role", [
    ("/district/status-changes", Role.DISTRICT),
    ("/center/status-changes?state=all", Role.CENTER),
    ("/enterprise/status-changes", Role.ENTERPRISE),
])
def test_status_change_lists_query_count_is_constant(client, login, count_queries, url, role):
    programme = make_programme(state=ReviewState.APPROVED)
    enterprise = _db.session.get(Organisation, programme.enterprise_id)
    target = make_programme(state=ReviewState.APPROVED, enterprise=enterprise, planned_count=99)
    make_status_change(make_enrolment(programme=programme), "transfer", target_programme_id=target.id)
    user = {Role.DISTRICT: lambda: _district(), Role.CENTER: lambda: make_user(Role.CENTER),
            Role.ENTERPRISE: lambda: make_user(Role.ENTERPRISE, org=enterprise)}[role]()
    login(user)
    with count_queries() as few:
        client.get(url)
    for kind in ("suspend", "withdraw", "extend") * 4:
        make_status_change(make_enrolment(programme=programme), kind, extension_months=6)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count('<tr id="status-change-') == 13
    assert len(many) == len(few)


def test_seat_counter_never_drops_below_zero(db):
    from portal.apprenticeship.enrolment.services import release_seat
    from portal.core.errors import StateConflict

    programme = make_programme(state=ReviewState.APPROVED)
    with pytest.raises(StateConflict):
        release_seat(programme.id)
    db.session.rollback()
    _refresh(programme)
    assert programme.enrolled_count == 0
    assert db.session.scalar(sa.select(Programme.enrolled_count)
                             .where(Programme.id == programme.id)) == 0


@needs_postgres
def test_AP_P2_two_requests_at_once_leave_one_open_change(app, db):
    enrolment = make_enrolment()
    enrolment_id, employer_id = enrolment.id, _employer(enrolment).id

    def ask(kind: str):
        return lambda: status_changes.request_change(
            db.session.get(User, employer_id), db.session.get(Enrolment, enrolment_id),
            status_changes.ChangeData(kind=kind, reason="同时提交", effective_on=date(2026, 12, 1)))

    outcomes = at_once(app, db, ask("suspend"), ask("withdraw"))
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    assert len(_changes(enrolment)) == 1
