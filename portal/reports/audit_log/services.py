"""C-PII: the one audited look at a full ID number from the audit-log viewer."""

from portal.core import audit
from portal.core.access import can
from portal.core.errors import NotAllowed
from portal.extensions import db
from portal.reports.audit_log.people import Person, persons_of

# The action the enrolment page writes for the same look: one code finds every look.
REVEAL_ACTION = "view_full_id"


def reveal_identity(actor, entry) -> Person | None:
    """The full ID of the person `entry` is about (None: the entry is about no person).

    Recorded against the person's enrolment or trainee record, naming the entry it came
    from; the caller commits."""
    if not can(actor, "view_full_id", entry):
        raise NotAllowed("您无权查看完整证件号码（规则 C-PII）")
    person = persons_of([entry]).get((entry.object_type, entry.object_id))
    if person is None:
        return None
    audit.record(actor, person.object_type, person.object_id, REVEAL_ACTION,
                 comment=f"经操作日志第 {entry.id} 条查看完整身份证号")
    db.session.flush()
    return person
