"""The person an entry is about (an apprentice or a high-skill trainee), for a page of
entries in one query; C-PII masking is the template's and the export's."""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Apprentice, Enrolment, HsTrainee
from portal.models.base import Base

# Records about one enrolment, hence one apprentice.
VIA_ENROLMENT = ("status_change", "leave_request", "credit_record", "assessment", "check_in")
KINDS = ("enrolment", "hs_trainee", "certificate", *VIA_ENROLMENT)


@dataclass(frozen=True)
class Person:
    name: str
    resident_id: str
    # Where a look at the full number is recorded: the enrolment, or the trainee.
    object_type: str
    object_id: int


def _selects(kind: str, ids: list[int]) -> list[sa.Select]:
    t = Base.metadata.tables
    tag = sa.literal(kind).label("kind")
    apprentice = (Apprentice.name, Apprentice.resident_id, sa.literal("enrolment").label("ot"),
                  Enrolment.id.label("oid"))
    trainee = (HsTrainee.name, HsTrainee.resident_id, sa.literal("hs_trainee").label("ot"),
               HsTrainee.id.label("oid"))
    if kind == "enrolment":
        return [sa.select(tag, Enrolment.id.label("key"), *apprentice)
                .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
                .where(Enrolment.id.in_(ids))]
    if kind == "hs_trainee":
        return [sa.select(tag, HsTrainee.id.label("key"), *trainee).where(HsTrainee.id.in_(ids))]
    table = t[kind]
    selects = [sa.select(tag, table.c.id.label("key"), *apprentice)
               .join(Enrolment, Enrolment.id == table.c.enrolment_id)
               .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
               .where(table.c.id.in_(ids))]
    if kind == "certificate":
        selects.append(sa.select(tag, table.c.id.label("key"), *trainee)
                       .join(HsTrainee, HsTrainee.id == table.c.hs_trainee_id)
                       .where(table.c.id.in_(ids)))
    return selects


def persons_of(entries) -> dict[tuple[str, int], Person]:
    """(object_type, object_id) → Person for the person-related entries: one query."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.object_type in KINDS:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    if not wanted:
        return {}
    selects = [s for kind, ids in wanted.items() for s in _selects(kind, sorted(ids))]
    rows = db.session.execute(sa.union_all(*selects) if len(selects) > 1 else selects[0])
    return {(r.kind, r.key): Person(r.name, r.resident_id, r.ot, r.oid) for r in rows}
