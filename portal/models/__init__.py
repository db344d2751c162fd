"""All models, imported so that Alembic and relationships see every table."""

from portal.models.apprentice import (
    HOLDING_STATES,
    Apprentice,
    Enrolment,
    EnrolmentState,
)
from portal.models.assessment import (
    Assessment,
    Certificate,
    CertificateKind,
    Verdict,
    VocationalCertificateType,
)
from portal.models.audit import AuditChainHead, AuditLog
from portal.models.base import Base
from portal.models.catalogue import (
    CatalogueItem,
    CatalogueKind,
    CatalogueVersion,
    Occupation,
)
from portal.models.document import Document, DocumentKind
from portal.models.mentor import Mentor, MentorKind, TrainingAgreement
from portal.models.money import (
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Fund,
    FundSource,
    Outcome,
    Payment,
    PaymentPart,
    Recovery,
    RecoveryState,
    Repayment,
    SubsidyAccount,
)
from portal.models.org import District, Organisation, OrgKind, institution_occupation
from portal.models.programme import Programme
from portal.models.review import ReturnSnapshot, ReviewState
from portal.models.setting import ParameterValue
from portal.models.training import (
    ChangeState,
    CheckIn,
    ClassSession,
    CreditRecord,
    LeaveRequest,
    LeaveState,
    SessionEvidence,
    StatusChange,
    StatusChangeKind,
)
from portal.models.user import ROLE_LABELS, LoginSession, Role, User

__all__ = [
    "Assessment",
    "VocationalCertificateType",
    "Verdict",
    "Certificate",
    "CertificateKind",
    "Claim",
    "ClaimKind",
    "ClaimLine",
    "ClaimState",
    "Fund",
    "FundSource",
    "Outcome",
    "Payment",
    "PaymentPart",
    "Recovery",
    "RecoveryState",
    "Repayment",
    "SubsidyAccount",
    "HOLDING_STATES",
    "Apprentice",
    "CheckIn",
    "ClassSession",
    "CreditRecord",
    "Enrolment",
    "EnrolmentState",
    "LeaveRequest",
    "LeaveState",
    "ChangeState",
    "Mentor",
    "MentorKind",
    "SessionEvidence",
    "StatusChange",
    "StatusChangeKind",
    "TrainingAgreement",
    "AuditChainHead",
    "AuditLog",
    "Base",
    "CatalogueItem",
    "CatalogueKind",
    "CatalogueVersion",
    "District",
    "Document",
    "DocumentKind",
    "Occupation",
    "OrgKind",
    "Organisation",
    "ParameterValue",
    "Programme",
    "ROLE_LABELS",
    "LoginSession",
    "ReturnSnapshot",
    "ReviewState",
    "Role",
    "User",
    "institution_occupation",
]
