"""Who sees and acts on subsidy money (C-DIST, AP-$6, HS-$1, HS-$2).

Enterprise: its own programmes' accounts, claims and recoveries. Institution: the accounts
of programmes it trains (read-only ledger, AP-$6). District: its district. Centre: the city.
A high-skill claim or recovery (hs_proposal_id set) belongs to its host, whichever of the
host roles it logs in with; the programme is municipal, so districts never see those rows.
"""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.models import Claim, ClaimState, Recovery, Role, SubsidyAccount

# The roles a high-skill host logs in with (portal.high_skill.access.HOST_ROLES; money
# imports no domain).
HS_HOST_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST)


def is_hs(obj) -> bool:
    """A high-skill claim or recovery (HS-$1, HS-$2) rather than an apprenticeship one."""
    return getattr(obj, "hs_proposal_id", None) is not None


def _scoped(model, user) -> sa.Select:
    q = sa.select(model)
    hs_rows = getattr(model, "hs_proposal_id", None)
    match user.role:
        case Role.ENTERPRISE:
            return q.where(model.enterprise_id == user.org_id)
        case Role.INSTITUTION if hasattr(model, "institution_id"):
            return q.where(model.institution_id == user.org_id)
        case Role.INSTITUTION | Role.HOST if hs_rows is not None and user.org_id:
            return q.where(model.enterprise_id == user.org_id, hs_rows.is_not(None))
        case Role.DISTRICT if hs_rows is not None:
            return q.where(in_district(user, model.district_code), hs_rows.is_(None))
        case Role.DISTRICT:
            return q.where(in_district(user, model.district_code))
        case Role.CENTER:
            return q
    return q.where(sa.false())


def accounts_for(user) -> sa.Select:
    return _scoped(SubsidyAccount, user)


def claims_for(user) -> sa.Select:
    return _scoped(Claim, user)


def recoveries_for(user) -> sa.Select:
    return _scoped(Recovery, user)


def _owner(user, obj) -> bool:
    if is_hs(obj):
        return user.role in HS_HOST_ROLES and user.org_id == obj.enterprise_id
    return user.role == Role.ENTERPRISE and user.org_id == obj.enterprise_id


def _district(user, obj) -> bool:
    return (user.role == Role.DISTRICT and user.district_code == obj.district_code
            and not is_hs(obj))


def _account_permissions(user, account: SubsidyAccount) -> dict[str, bool]:
    institution = user.role == Role.INSTITUTION and user.org_id == account.institution_id
    return {"view": (_owner(user, account) or institution or _district(user, account)
                     or user.role == Role.CENTER)}


def _claim_permissions(user, claim: Claim) -> dict[str, bool]:
    owner, district, centre = _owner(user, claim), _district(user, claim), user.role == Role.CENTER
    state = claim.state or ClaimState.DRAFT
    hs = is_hs(claim)
    return {
        "view": owner or district or centre,
        # An apprenticeship draft is re-gathered from its lines; a high-skill one is not.
        "edit": owner and state.editable and not hs,
        "submit": owner and state.editable and not hs,
        "hs_submit": owner and state.editable and hs,
        "district_review": district and state == ClaimState.SUBMITTED,
        "centre_review": centre and state == ClaimState.DISTRICT_APPROVED,
        # HS-$1: no district step; the centre reviews a submitted high-skill claim.
        "hs_review": centre and is_hs(claim) and state == ClaimState.SUBMITTED,
        "pay": centre and state == ClaimState.APPROVED,
    }


def _recovery_permissions(user, recovery: Recovery) -> dict[str, bool]:
    owner, district, centre = (_owner(user, recovery), _district(user, recovery),
                               user.role == Role.CENTER)
    return {
        "view": owner or district or centre,
        # The district recovers through the original channel; the centre may record too.
        "repay": (district or centre) and recovery.outstanding > 0,
    }


register(SubsidyAccount, accounts_for, _account_permissions)
register(Claim, claims_for, _claim_permissions)
register(Recovery, recoveries_for, _recovery_permissions)
