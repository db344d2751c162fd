"""Factories for issue 12: established apprentices with their subsidy accounts (AP-$4)."""

from portal.extensions import db
from portal.models import EnrolmentState, Programme, ReviewState, SubsidyAccount
from portal.money.accounts import open_account
from tests.enrolment_factories import make_enrolment
from tests.programme_factories import make_programme


def approved_programme(level: str = "intermediate", **fields) -> Programme:
    return make_programme(state=ReviewState.APPROVED, level=level, **fields)


def established(programme: Programme | None = None, *, urgent: bool = False,
                in_scope: bool = True, state: EnrolmentState = EnrolmentState.ACTIVE,
                **fields) -> tuple:
    """An established enrolment (学籍已建立) and its subsidy account: (enrolment, account).

    `urgent` / `in_scope` are the catalogue facts frozen on the establishment day (AP-P5).
    """
    programme = programme or approved_programme()
    enrolment = make_enrolment(state=state, programme=programme, urgent=urgent,
                               in_assessment_scope=in_scope, mentored=True, **fields)
    account = open_account(enrolment, programme)
    db.session.commit()
    return enrolment, account


def account_of(enrolment) -> SubsidyAccount:
    from sqlalchemy import select

    return db.session.scalar(select(SubsidyAccount).where(
        SubsidyAccount.enrolment_id == enrolment.id))
