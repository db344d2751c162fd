"""C-DIST for the audit log: which entries a district may read.

Audit rows carry no district. An entry belongs to a district when the record it is about
does, resolved per record kind (`object_type`) in SQL:

* records with their own `district_code` (organisation, programme, enrolment, claim,
  recovery, status change, document, the supervision records …): that district;
* records hanging off one of those: a leave, credit, assessment or check-in through its
  enrolment; a payment through its claim; a mentor, class or account through its
  organisation (or programme); a high-skill proposal, trainee or check through the host's
  organisation; a certificate through its enrolment or trainee;
* entries written by the district's own staff (their logins, password changes).

City-level records (catalogues, parameters, funds, calls) and entries of other districts are
the centre's only. The centre sees everything. Every other role sees nothing (its blueprint
has no route either). The scope is one SQL expression (`type = X AND object_id IN (…)` per
kind), so a page is one query whatever the filters.
"""

import sqlalchemy as sa

from portal.core import access
from portal.models import (
    AuditLog,
    Claim,
    Enrolment,
    HsProposal,
    HsTrainee,
    Organisation,
    Programme,
    Role,
    User,
)
from portal.models.base import Base

# Tables whose `district_code` is not "the district supervising this record".
_NOT_SUPERVISED = {"district", "user"}
T = Base.metadata.tables


def _ids(table: str, *conditions) -> sa.Select:
    return sa.select(T[table].c.id).where(sa.or_(*conditions))


def district_objects(code: str) -> dict[str, sa.Select]:
    """object_type → the ids of that kind in district `code`."""
    orgs = sa.select(Organisation.id).where(Organisation.district_code == code)
    programmes = sa.select(Programme.id).where(Programme.district_code == code)
    enrolments = sa.select(Enrolment.id).where(Enrolment.district_code == code)
    proposals = sa.select(HsProposal.id).where(HsProposal.host_id.in_(orgs))
    trainees = sa.select(HsTrainee.id).where(HsTrainee.proposal_id.in_(proposals))
    claims = sa.select(Claim.id).where(Claim.district_code == code)
    kinds = {name: sa.select(table.c.id).where(table.c.district_code == code)
             for name, table in T.items()
             if "district_code" in table.c and "id" in table.c and name not in _NOT_SUPERVISED}
    c = T
    kinds.update({
        "user": _ids("user", c["user"].c.district_code == code, c["user"].c.org_id.in_(orgs)),
        "class_session": _ids("class_session", c["class_session"].c.programme_id.in_(programmes),
                              c["class_session"].c.org_id.in_(orgs)),
        "mentor": _ids("mentor", c["mentor"].c.org_id.in_(orgs)),
        "payment": _ids("payment", c["payment"].c.claim_id.in_(claims)),
        "hs_proposal": proposals,
        "hs_trainee": trainees,
        "hs_check": _ids("hs_check", c["hs_check"].c.proposal_id.in_(proposals)),
        "audit_result": _ids("audit_result", c["audit_result"].c.organisation_id.in_(orgs)),
        "certificate": _ids("certificate", c["certificate"].c.enrolment_id.in_(enrolments),
                            c["certificate"].c.hs_trainee_id.in_(trainees)),
    })
    for name in ("leave_request", "credit_record", "assessment", "check_in"):
        kinds[name] = _ids(name, c[name].c.enrolment_id.in_(enrolments))
    return kinds


def org_objects(orgs: sa.Select) -> dict[str, sa.Select]:
    """object_type → the ids of records belonging to the organisations `orgs` selects (as
    owner, partner institution, host or the organisation itself)."""
    c = T
    programmes = sa.select(Programme.id).where(
        sa.or_(Programme.enterprise_id.in_(orgs), Programme.institution_id.in_(orgs)))
    enrolments = sa.select(Enrolment.id).where(Enrolment.programme_id.in_(programmes))
    proposals = sa.select(HsProposal.id).where(HsProposal.host_id.in_(orgs))
    claims = sa.select(Claim.id).where(Claim.enterprise_id.in_(orgs))
    kinds = {
        "organisation": orgs,
        "programme": programmes,
        "enrolment": enrolments,
        "claim": claims,
        "payment": _ids("payment", c["payment"].c.claim_id.in_(claims)),
        "recovery": _ids("recovery", c["recovery"].c.enterprise_id.in_(orgs),
                         c["recovery"].c.hs_proposal_id.in_(proposals)),
        "user": _ids("user", c["user"].c.org_id.in_(orgs)),
        "mentor": _ids("mentor", c["mentor"].c.org_id.in_(orgs)),
        "class_session": _ids("class_session", c["class_session"].c.org_id.in_(orgs),
                              c["class_session"].c.programme_id.in_(programmes)),
        "document": _ids("document", c["document"].c.owner_org_id.in_(orgs)),
        "hs_proposal": proposals,
        "audit_grant": _ids("audit_grant", c["audit_grant"].c.firm_id.in_(orgs),
                            c["audit_grant"].c.programme_id.in_(programmes)),
    }
    for name in ("hs_trainee", "hs_check"):
        kinds[name] = _ids(name, c[name].c.proposal_id.in_(proposals))
    for name in ("status_change", "leave_request", "credit_record", "assessment", "check_in",
                 "certificate"):
        kinds[name] = _ids(name, c[name].c.enrolment_id.in_(enrolments))
    for name in ("inspection", "summons", "rectification"):
        kinds[name] = _ids(name, c[name].c.programme_id.in_(programmes))
    for name in ("fraud_case", "evaluation", "audit_result"):
        kinds[name] = _ids(name, c[name].c.organisation_id.in_(orgs))
    return kinds


def about(kinds: dict[str, sa.Select]) -> sa.ColumnElement[bool]:
    """Entries about one of the records `kinds` selects."""
    return sa.or_(*(sa.and_(AuditLog.object_type == name, AuditLog.object_id.in_(ids))
                    for name, ids in kinds.items()))


def in_district(code: str) -> sa.ColumnElement[bool]:
    """C-DIST: entries about the district's records, or written by its own staff."""
    staff = sa.select(User.id).where(User.role == Role.DISTRICT, User.district_code == code)
    return sa.or_(about(district_objects(code)), AuditLog.actor_id.in_(staff))


def entries_for(user) -> sa.Select:
    q = sa.select(AuditLog)
    match user.role:
        case Role.CENTER:
            return q
        case Role.DISTRICT:
            return q.where(in_district(user.district_code))
    return q.where(sa.false())


def orgs_for(user) -> sa.Select:
    """Organisations whose name a filter may match: the district's own, or all."""
    q = sa.select(Organisation.id)
    match user.role:
        case Role.CENTER:
            return q
        case Role.DISTRICT:
            return q.where(Organisation.district_code == user.district_code)
    return q.where(sa.false())


def permissions(user, entry) -> dict[str, bool]:
    reader = user.role in (Role.CENTER, Role.DISTRICT)
    # C-PII: both may see an in-scope person's full ID (as on the enrolment page), audited.
    return {"view": reader, "view_full_id": reader}


access.register(AuditLog, entries_for, permissions)
