"""AP-S1: a passed apprentice's certificate, of the kind the institution decides, numbered at random."""

import secrets
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.core import audit
from portal.extensions import db
from portal.models import (
    Apprentice,
    Certificate,
    CertificateKind,
    Enrolment,
    Occupation,
    Organisation,
    Programme,
)

OBJECT_TYPE = "certificate"
# No 0/O, 1/I/L: a number read aloud or typed from paper is not misread.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_RANDOM_CHARS = 10  # 31**10 ≈ 8e14 numbers per year: a neighbour's cannot be guessed


def new_number(day: date) -> str:
    return f"XT{day.year}" + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_CHARS))


def kind_for(institution: Organisation) -> CertificateKind:
    """AP-S1: a technical school awards its diploma; any other institution the training certificate."""
    if institution.institution_type == "technical_school":
        return CertificateKind.TECHNICAL_SCHOOL_DIPLOMA
    return CertificateKind.APPRENTICE_CERTIFICATE


def issue_for_enrolment(actor, enrolment: Enrolment, day: date) -> Certificate:
    """AP-S1, C-AUD: the certificate of a passed apprentice; idempotent (one per enrolment)."""
    existing = db.session.scalar(
        sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    if existing is not None:
        return existing
    programme = db.session.get(Programme, enrolment.programme_id)
    institution = db.session.get(Organisation, programme.institution_id)
    occupation = db.session.get(Occupation, programme.occupation_id)
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    kind = kind_for(institution)
    number = new_number(day)
    while db.session.scalar(sa.select(Certificate.id).where(Certificate.number == number)):
        number = new_number(day)
    certificate = Certificate(
        number=number, kind=kind, enrolment_id=enrolment.id, apprentice_id=person.id,
        holder_name=person.name,
        title=f"{occupation.name}（{rules.LEVEL_LABELS[programme.level]}）企业新型学徒制培训",
        issuer_name=institution.name, issued_on=day, issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record(actor, OBJECT_TYPE, certificate.id, "issue", to_state="valid",
                 comment=f"{kind.label} {number}")
    return certificate
