"""AP-S1: a passed apprentice's certificate, of the kind the institution decides, numbered at
random. HS-W9: a high-skill trainee's completion certificate, numbered and verified alike."""

import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

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


# HS-W9: issued by the municipal centre, whoever hosted the project.
HS_ISSUER = "北京市就业促进中心"
AP_PREFIX, HS_PREFIX = "XT", "YX"  # 学徒 / 研修


def new_number(day: date, prefix: str = AP_PREFIX) -> str:
    return f"{prefix}{day.year}" + "".join(secrets.choice(_ALPHABET)
                                            for _ in range(_RANDOM_CHARS))


def _unused_number(day: date, prefix: str) -> str:
    number = new_number(day, prefix)
    while db.session.scalar(sa.select(Certificate.id).where(Certificate.number == number)):
        number = new_number(day, prefix)
    return number


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
    number = _unused_number(day, AP_PREFIX)
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


def issue_for_hs_trainee(actor, trainee_id: int, holder_name: str, project_title: str,
                         occupation: str, day: date) -> Certificate | None:
    """HS-W9, C-AUD: the completion certificate of a trainee on a filed roster.

    Idempotent: one certificate per trainee (the unique hs_trainee_id decides, also when two
    centre users issue at once: the loser's savepoint is rolled back and None returned).
    """
    if db.session.scalar(sa.select(Certificate.id).where(Certificate.hs_trainee_id == trainee_id)):
        return None
    title = f"{project_title}（{occupation}）" if occupation else project_title
    number = _unused_number(day, HS_PREFIX)
    certificate = Certificate(
        number=number, kind=CertificateKind.HS_COMPLETION, hs_trainee_id=trainee_id,
        holder_name=holder_name, title=f"{title}高技能人才研修培训"[:200],
        issuer_name=HS_ISSUER, issued_on=day, issued_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    audit.record(actor, OBJECT_TYPE, certificate.id, "issue", to_state="valid",
                 comment=f"{CertificateKind.HS_COMPLETION.label} {number}")
    return certificate
