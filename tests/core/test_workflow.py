"""The one transition engine (C-REV, AP-W1, AP-W2, AP-W4, AP-P2, C-AUD) over every record kind.

Each kind is driven through the service its pages call, so the table and its wiring are
tested together: a legal step is audited with from → to, a foreign actor and an unknown
step are refused, a return or rejection without words answers the one C-REV message, and
a decision made from a stale copy answers 已被处理 without a second audit row.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.programmes import services as programmes
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.training import leave as leave_service
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.workflow import (
    COMMENT_REQUIRED,
    REVIEW_CHAIN,
    Decision,
    Transition,
    Workflow,
)
from portal.extensions import db as _db
from portal.models import (
    AuditLog,
    ChangeState,
    EnrolmentState,
    LeaveState,
    Organisation,
    ReviewState,
    Role,
    User,
)
from portal.orgs import services as organisations
from tests.enrolment_factories import make_enrolment, make_leave, make_status_change
from tests.factories import make_org, make_user
from tests.programme_factories import make_programme
from tests.races import at_once, needs_postgres

ALREADY_HANDLED = "该记录已被处理，请刷新后查看最新状态"


@dataclass
class Kind:
    """One record kind: how to make a pending one with its decider and an outsider."""

    object_type: str
    workflow: Workflow
    make: Callable[[], tuple[object, User, User]]
    decide: Callable  # the service the queue page calls: (actor, obj, decision, comment)
    approve: object  # the decision that moves it forward, and the state it lands in
    approved: str
    refuse: object  # a decision that needs words (C-REV)
    refused: str


def _district(code="110105"):
    return make_user(Role.DISTRICT, district=code)


def _employer_of(enrolment):
    return make_user(Role.ENTERPRISE, org=_db.session.get(Organisation, enrolment.enterprise_id))


def _organisation():
    return make_org(state=ReviewState.SUBMITTED), _district(), _district("110108")


def _programme():
    return make_programme(state=ReviewState.SUBMITTED), _district(), _district("110108")


def _enrolment():
    return make_enrolment(EnrolmentState.SUBMITTED, with_user=False), _district(), _district("110108")


def _status_change():
    return make_status_change(make_enrolment()), _district(), _district("110108")


def _leave():
    enrolment = make_enrolment()
    outsider = make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED))
    return make_leave(enrolment), _employer_of(enrolment), outsider


KINDS = {
    "organisation": Kind("organisation", organisations.WORKFLOW, _organisation,
                         organisations.district_review, Decision.APPROVE,
                         ReviewState.DISTRICT_APPROVED, Decision.RETURN, ReviewState.RETURNED),
    "programme": Kind("programme", programmes.WORKFLOW, _programme, programmes.district_review,
                      Decision.APPROVE, ReviewState.DISTRICT_APPROVED,
                      Decision.REJECT, ReviewState.REJECTED),
    # Approval establishes the student record (agreement, mentors); a return is the plain step.
    "enrolment": Kind("enrolment", enrolments.WORKFLOW, _enrolment, enrolments.district_review,
                      Decision.RETURN, EnrolmentState.RETURNED,
                      Decision.REJECT, EnrolmentState.REJECTED),
    "status_change": Kind("status_change", status_changes.WORKFLOW, _status_change,
                          status_changes.decide, Decision.APPROVE, ChangeState.APPROVED,
                          Decision.RETURN, ChangeState.RETURNED),
    "leave_request": Kind("leave_request", leave_service.WORKFLOW, _leave, leave_service.decide,
                          leave_service.LeaveDecision.APPROVE, LeaveState.APPROVED,
                          leave_service.LeaveDecision.REJECT, LeaveState.REJECTED),
}


def _audit(object_type, object_id):
    return [(a.action, a.from_state, a.to_state, a.comment) for a in _db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == object_type,
                                  AuditLog.object_id == object_id).order_by(AuditLog.id))]


def _words(kind: Kind) -> str:
    # A return or rejection carries words; an approval may go without.
    return "" if kind.approve == "approve" else "材料不全，请补充"


@pytest.fixture(params=sorted(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


def test_C_AUD_legal_step_is_audited_with_from_and_to_state(kind, db):
    obj, decider, _outsider = kind.make()
    from_state = obj.state
    comment = _words(kind)
    assert kind.decide(decider, obj, kind.approve, comment) == kind.approved
    db.session.commit()
    db.session.refresh(obj)
    assert obj.state == kind.approved
    [entry] = _audit(kind.object_type, obj.id)
    assert entry[:3] == (str(kind.approve), str(from_state), str(kind.approved))
    if comment:
        assert entry[3] == comment


def test_C_DIST_actor_outside_scope_is_refused_and_nothing_written(kind, db):
    obj, _decider, outsider = kind.make()
    before = obj.state
    with pytest.raises(NotAllowed):
        kind.decide(outsider, obj, kind.approve, "越权操作")
    db.session.rollback()
    db.session.refresh(obj)
    assert obj.state == before and _audit(kind.object_type, obj.id) == []


def test_AP_W4_unknown_step_is_refused(kind, db):
    obj, decider, _outsider = kind.make()
    with pytest.raises(NotAllowed, match="不支持的审核操作"):
        kind.workflow.apply(decider, obj, "publish")
    assert _audit(kind.object_type, obj.id) == []


def test_AP_W4_a_decision_entry_point_offers_no_other_step(kind, db):
    obj, decider, _outsider = kind.make()
    for step in ("submit", "resubmit", "cancel", "report_back", "bogus"):
        with pytest.raises(NotAllowed, match="不支持的审核操作"):
            kind.decide(decider, obj, step, "理由")
    assert _audit(kind.object_type, obj.id) == []


def test_C_REV_return_or_rejection_needs_words_one_message_everywhere(kind, db):
    obj, decider, _outsider = kind.make()
    for blank in ("", "   "):
        with pytest.raises(ServiceError) as refused:
            kind.decide(decider, obj, kind.refuse, blank)
        assert refused.value.message == COMMENT_REQUIRED and "C-REV" in COMMENT_REQUIRED
    db.session.refresh(obj)
    assert obj.state != kind.refused and _audit(kind.object_type, obj.id) == []
    kind.decide(decider, obj, kind.refuse, "理由：不符合条件")
    assert obj.state == kind.refused


def test_AP_W4_stale_second_decision_answers_already_handled_without_a_second_audit_row(kind, db):
    obj, decider, _outsider = kind.make()
    pending = obj.state
    kind.decide(decider, obj, kind.approve, _words(kind))
    db.session.commit()
    # A second reviewer's request read the record before the first decision committed.
    set_committed_value(obj, "state", pending)
    with pytest.raises(StateConflict) as conflict:
        kind.decide(decider, obj, kind.refuse, "第二次审核")
    assert conflict.value.message == ALREADY_HANDLED
    db.session.rollback()
    db.session.refresh(obj)
    assert obj.state == kind.approved
    assert len(_audit(kind.object_type, obj.id)) == 1


def test_AP_W4_decision_on_a_record_no_longer_pending_is_a_state_conflict(kind, db):
    obj, decider, _outsider = kind.make()
    kind.decide(decider, obj, kind.approve, _words(kind))
    db.session.commit()
    with pytest.raises(StateConflict, match="已被处理"):
        kind.decide(decider, obj, kind.approve, _words(kind))


# --- The tables themselves ------------------------------------------------------------------


def test_C_REV_every_return_and_rejection_in_every_table_requires_words():
    for kind in KINDS.values():
        for t in kind.workflow.transitions.values():
            if t.audit_action in ("return", "reject"):
                assert t.requires, (kind.object_type, t.action)
            if t.audit_action == "approve":
                assert not t.requires, (kind.object_type, t.action)


def test_AP_W1_review_chain_is_submit_then_district_then_centre():
    chain = {t.action: (t.sources, t.target, t.permission) for t in REVIEW_CHAIN}
    S = ReviewState
    assert chain["submit"] == ((S.DRAFT, S.RETURNED), S.SUBMITTED, "submit")
    assert chain["district_approve"] == ((S.SUBMITTED,), S.DISTRICT_APPROVED, "district_review")
    assert chain["center_approve"] == ((S.DISTRICT_APPROVED,), S.APPROVED, "center_review")
    assert {chain[a][1] for a in ("district_return", "center_return")} == {S.RETURNED}
    assert {chain[a][1] for a in ("district_reject", "center_reject")} == {S.REJECTED}


def test_a_transition_is_declared_once():
    step = Transition("approve", ("submitted",), "approved", "district_review")
    with pytest.raises(ValueError, match="declared twice"):
        Workflow("thing", [step, step])


def test_decisions_are_stamped_with_the_decider_where_the_record_keeps_one(db):
    obj, decider, _outsider = _status_change()
    status_changes.decide(decider, obj, Decision.RETURN, "请补充病历")
    assert (obj.decided_by_id, obj.comment) == (decider.id, "请补充病历")
    assert obj.decided_at is not None


# --- A real race (PostgreSQL only: SQLite serialises writers with a file lock) -------------


@needs_postgres
@pytest.mark.parametrize("name", ["programme", "status_change", "leave_request"])
def test_AP_W4_two_reviewers_at_once_exactly_one_wins(app, db, name):
    kind = KINDS[name]
    obj, decider, _outsider = kind.make()
    model, obj_id, decider_id = type(obj), obj.id, decider.id

    def review(decision, comment):
        return lambda: kind.decide(db.session.get(User, decider_id),
                                   db.session.get(model, obj_id), decision, comment)

    outcomes = at_once(app, db, review(kind.approve, _words(kind)),
                       review(kind.refuse, "同时审核"))
    assert sorted(outcomes) == sorted(["ok", ALREADY_HANDLED])
    assert len(_audit(kind.object_type, obj_id)) == 1
