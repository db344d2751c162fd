"""Who sees and acts on subsidy money (C-DIST, AP-$6).

Enterprise: its own programmes' accounts, claims and recoveries. Institution: the accounts
of programmes it trains (read-only ledger, AP-$6). District: its district. Centre: the city.
"""

import sqlalchemy as sa

from portal.core.access import in_district, register
from portal.models import Claim, ClaimState, Recovery, Role, SubsidyAccount


def _scoped(model, user) -> sa.Select:
    q = sa.select(model)
    match user.role:
        case Role.ENTERPRISE:
            return q.where(model.enterprise_id == user.org_id)
        case Role.INSTITUTION if hasattr(model, "institution_id"):
            return q.where(model.institution_id == user.org_id)
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
    return user.role == Role.ENTERPRISE and user.org_id == obj.enterprise_id


def _district(user, obj) -> bool:
    return user.role == Role.DISTRICT and user.district_code == obj.district_code


def _account_permissions(user, account: SubsidyAccount) -> dict[str, bool]:
    institution = user.role == Role.INSTITUTION and user.org_id == account.institution_id
    return {"view": (_owner(user, account) or institution or _district(user, account)
                     or user.role == Role.CENTER)}


def _claim_permissions(user, claim: Claim) -> dict[str, bool]:
    owner, district, centre = _owner(user, claim), _district(user, claim), user.role == Role.CENTER
    state = claim.state or ClaimState.DRAFT
    return {
        "view": owner or district or centre,
        "edit": owner and state.editable,
        "submit": owner and state.editable,
        "district_review": district and state == ClaimState.SUBMITTED,
        "centre_review": centre and state == ClaimState.DISTRICT_APPROVED,
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
