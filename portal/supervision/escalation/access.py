"""Who sees and records summons, rectification orders and fraud cases (AP-V2, AP-V3, C-DIST).

District staff: their own district only. Centre: the whole city (it reads the summons the
districts report, 区级上报, and records fraud findings too). Enterprises: their own cases
(read only, through their programme's page). Everyone else: nothing.
"""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.extensions import db
from portal.models import FraudCase, Programme, Rectification, Role, Summons, SummonsState
from portal.rules.holds import rectification_watch_cutoff


def _scoped(model, user) -> sa.Select:
    q = sa.select(model)
    match user.role:
        case Role.DISTRICT:
            return q.where(in_district(user, model.district_code))
        case Role.CENTER:
            return q
        case Role.ENTERPRISE if hasattr(model, "organisation_id"):
            return q.where(model.organisation_id == user.org_id)
        case Role.ENTERPRISE:
            return q.join(Programme, Programme.id == model.programme_id).where(
                Programme.enterprise_id == user.org_id)
    return q.where(sa.false())


def summonses_for(user) -> sa.Select:
    return _scoped(Summons, user)


def rectification_due(day) -> sa.ColumnElement[bool]:
    """AP-V2 (issue 14 item 10): open orders whose deadline is within 7 days or past; the
    worklist alert and the list's ?due=1 share it."""
    return sa.and_(Rectification.lifted_on.is_(None),
                   Rectification.deadline <= rectification_watch_cutoff(day))


def rectifications_for(user) -> sa.Select:
    return _scoped(Rectification, user)


def fraud_cases_for(user) -> sa.Select:
    return _scoped(FraudCase, user)


def _district(user, obj) -> bool:
    return user.role == Role.DISTRICT and user.district_code == obj.district_code


def _summons_permissions(user, summons: Summons) -> dict[str, bool]:
    held = summons.state == SummonsState.HELD
    staff = _district(user, summons) or user.role == Role.CENTER
    return {"view": staff or (user.role == Role.ENTERPRISE and _owned(user, summons)),
            "correct": _district(user, summons) and held,
            "report": _district(user, summons) and held}


def _owned(user, obj) -> bool:
    return db.session.scalar(sa.select(Programme.enterprise_id).where(
        Programme.id == obj.programme_id)) == user.org_id


def _rectification_permissions(user, order: Rectification) -> dict[str, bool]:
    staff = _district(user, order) or user.role == Role.CENTER
    return {"view": staff or (user.role == Role.ENTERPRISE and _owned(user, order))}


def _fraud_permissions(user, case: FraudCase) -> dict[str, bool]:
    staff = _district(user, case) or user.role == Role.CENTER
    return {"view": staff or (user.role == Role.ENTERPRISE
                              and user.org_id == case.organisation_id),
            "refer": staff}


def may_record_summons(user, programme: Programme) -> bool:
    """AP-V2: the programme's own district summons its enterprise."""
    return user.role == Role.DISTRICT and user.district_code == programme.district_code


def may_record_fraud(user, programme: Programme) -> bool:
    """AP-V3: the programme's district or the centre records a fraud finding."""
    return may_record_summons(user, programme) or user.role == Role.CENTER


register(Summons, summonses_for, _summons_permissions)
register(Rectification, rectifications_for, _rectification_permissions)
register(FraudCase, fraud_cases_for, _fraud_permissions)
