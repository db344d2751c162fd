"""Two districts, each with an enterprise, a programme, an apprentice and audit entries."""

from dataclasses import dataclass

from portal.core import audit
from portal.extensions import db
from portal.models import Apprentice, Enrolment, Organisation, Programme, Role, User
from tests.enrolment_factories import make_enrolment
from tests.factories import make_user

OWN, PEER = "110105", "110108"


@dataclass
class Side:
    staff: User
    org: Organisation
    programme: Programme
    enrolment: Enrolment
    apprentice: Apprentice


def side(district: str, tag: str) -> Side:
    from portal.models import ReviewState
    from tests.programme_factories import make_programme

    programme = make_programme(state=ReviewState.APPROVED, district=district)
    enrolment = make_enrolment(programme=programme, with_user=False)
    staff = make_user(Role.DISTRICT, district=district)
    staff.display_name = f"{tag}审核员"
    db.session.commit()
    return Side(staff, db.session.get(Organisation, programme.enterprise_id), programme,
                enrolment, db.session.get(Apprentice, enrolment.apprentice_id))


def write(actor, object_type: str, object_id: int, action: str, comment: str, **states):
    entry = audit.record(actor, object_type, object_id, action, comment=comment, **states)
    db.session.commit()
    return entry


def seeded():
    """Each side's entries carry a marker in their comment: 甲… for OWN, 乙… for PEER."""
    own, peer = side(OWN, "甲"), side(PEER, "乙")
    centre = make_user(Role.CENTER)
    for s, tag in ((own, "甲"), (peer, "乙")):
        write(s.staff, "programme", s.programme.id, "district_approve", f"{tag}项目通过",
              from_state="submitted", to_state="district_approved")
        write(s.staff, "enrolment", s.enrolment.id, "district_approve", f"{tag}学籍通过")
        write(centre, "organisation", s.org.id, "centre_approve", f"{tag}单位复核")
    write(centre, "parameter_value", 1, "create", "丙市级参数")
    return own, peer, centre
