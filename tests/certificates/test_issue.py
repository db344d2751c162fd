"""AP-S1: the certificate's kind follows the institution; numbers are unique and random."""

from portal.models import CertificateKind
from tests.certificates.helpers import certificate_for
from tests.money_factories import approved_programme
from tests.programme_factories import make_institution, make_occupation

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _programme(institution_type: str):
    occupation = make_occupation()
    institution = make_institution([occupation], institution_type=institution_type)
    return approved_programme(occupation=occupation, institution=institution, planned_count=60)


def test_AP_S1_technical_school_gets_diploma(app):
    """AP-S1: a technical school's apprentice gets 技工院校毕业证书."""
    certificate, _ = certificate_for(_programme("technical_school"))
    assert certificate.kind == CertificateKind.TECHNICAL_SCHOOL_DIPLOMA
    assert certificate.kind.label == "技工院校毕业证书"


def test_AP_S1_other_institution_gets_training_certificate(app):
    """AP-S1: any other institution's apprentice gets 企业新学徒培训合格证书."""
    certificate, _ = certificate_for(_programme("vocational_college"))
    assert certificate.kind == CertificateKind.APPRENTICE_CERTIFICATE
    assert certificate.kind.label == "企业新学徒培训合格证书"


def _value(number: str) -> int:
    """The random part of a number as an integer (base 31), to measure neighbours."""
    total = 0
    for ch in number[6:]:
        total = total * len(_ALPHABET) + _ALPHABET.index(ch)
    return total


def test_AP_S1_certificate_number_unique_and_not_guessable(app):
    """AP-S1: 50 issued numbers are all different, none follows another (no +1 neighbour),
    and the order of issue is not the order of the numbers."""
    programme = _programme("technical_school")
    numbers = [certificate_for(programme)[0].number for _ in range(50)]
    assert len(set(numbers)) == 50
    assert all(n.startswith("XT2026") and len(n) == 16 for n in numbers)
    values = sorted(_value(n) for n in numbers)
    gaps = [b - a for a, b in zip(values, values[1:], strict=False)]
    assert min(gaps) > 1000  # no neighbours: from one number the next cannot be guessed
    issued = [_value(n) for n in numbers]
    assert issued != sorted(issued) and issued != sorted(issued, reverse=True)


def test_AP_S1_one_certificate_per_enrolment(app):
    """AP-S1: issuing twice for one enrolment returns the same certificate."""
    from portal.certificates.issue import issue_for_enrolment
    from tests.certificates.helpers import ISSUED_ON

    certificate, enrolment = certificate_for(_programme("technical_school"))
    assert issue_for_enrolment(None, enrolment, ISSUED_ON).id == certificate.id
