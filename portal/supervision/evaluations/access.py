"""Who sees and records performance evaluations (AP-V4, C-DIST)."""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.models import Evaluation, EvaluationIndicator, Organisation, OrgKind, Role

EVALUATED_KINDS = (OrgKind.ENTERPRISE, OrgKind.HOST)
LEVELS = {Role.DISTRICT: "district", Role.CENTER: "center"}
LEVEL_LABELS = {"district": "区级评价", "center": "市级评价"}


def evaluations_for(user) -> sa.Select:
    q = sa.select(Evaluation)
    match user.role:
        case Role.CENTER:
            return q
        case Role.DISTRICT:
            return q.where(in_district(user, Evaluation.district_code))
        case Role.ENTERPRISE | Role.HOST:
            return q.where(Evaluation.organisation_id == user.org_id)
    return q.where(sa.false())


def evaluable_orgs(user) -> sa.Select:
    """The organisations the user may score: a district its own, the centre all."""
    q = sa.select(Organisation).where(Organisation.kind.in_(EVALUATED_KINDS))
    match user.role:
        case Role.CENTER:
            return q
        case Role.DISTRICT:
            return q.where(in_district(user, Organisation.district_code))
    return q.where(sa.false())


def may_evaluate(user, org: Organisation) -> bool:
    if org.kind not in EVALUATED_KINDS:
        return False
    return user.role == Role.CENTER or (
        user.role == Role.DISTRICT and user.district_code == org.district_code)


def _evaluation_permissions(user, evaluation: Evaluation) -> dict[str, bool]:
    own_level = LEVELS.get(user.role) == evaluation.level
    district_ok = user.role == Role.CENTER or user.district_code == evaluation.district_code
    return {"view": True, "edit": own_level and district_ok}


def indicators_for(user) -> sa.Select:
    q = sa.select(EvaluationIndicator)
    return q if user.role in LEVELS else q.where(sa.false())


def _indicator_permissions(user, indicator: EvaluationIndicator) -> dict[str, bool]:
    return {"view": user.role in LEVELS, "edit": user.role == Role.CENTER}


register(Evaluation, evaluations_for, _evaluation_permissions)
register(EvaluationIndicator, indicators_for, _indicator_permissions)
