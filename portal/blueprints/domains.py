"""The domains whose route tables the role blueprints bind: the one list to extend."""

from flask_login import current_user

# Importing a domain's access module registers its scopes and permissions in core.access.
from portal.accounts import pages as accounts
from portal.apprenticeship.assessment import pages as assessment
from portal.apprenticeship.enrolment import access as _enrolment_access  # noqa: F401
from portal.apprenticeship.enrolment import checks as enrolment_checks
from portal.apprenticeship.enrolment import pages as enrolment
from portal.apprenticeship.mentors import access as _mentors_access  # noqa: F401
from portal.apprenticeship.mentors import pages as mentors
from portal.apprenticeship.programmes import access as _programmes_access  # noqa: F401
from portal.apprenticeship.programmes import pages as programmes
from portal.apprenticeship.programmes import suspension, suspension_pages
from portal.apprenticeship.quality import pages as quality
from portal.apprenticeship.status import access as _status_access  # noqa: F401
from portal.apprenticeship.status import pages as status
from portal.apprenticeship.training import access as _training_access  # noqa: F401
from portal.apprenticeship.training import pages as training
from portal.catalogue import pages as catalogue
from portal.certificates import pages as certificates
from portal.high_skill import access as _hs_access  # noqa: F401
from portal.high_skill.calls import pages as hs_calls
from portal.high_skill.delivery import pages as hs_delivery
from portal.high_skill.funding import pages as hs_funding
from portal.high_skill.proposals import pages as hs_proposals
from portal.high_skill.review import pages as hs_review
from portal.high_skill.rosters import pages as hs_rosters
from portal.money import access as _money_access  # noqa: F401
from portal.money import claim_pages, payment_pages
from portal.money.ledger import pages as ledger_pages
from portal.orgs import access as _orgs_access  # noqa: F401
from portal.orgs import pages as orgs
from portal.reports.audit_log import pages as audit_log_pages
from portal.reports.dashboards import pages as dashboard_pages
from portal.reports.jobs import pages as jobs_pages
from portal.reports.notifications import pages as notifications
from portal.reports.notifications import services as notification_services
from portal.supervision.audits import auditor_pages as audit_auditor_pages
from portal.supervision.audits import centre_pages as audit_centre_pages
from portal.supervision.audits import evidence_pages as audit_evidence_pages
from portal.supervision.escalation import pages as escalation_pages
from portal.supervision.escalation import record as escalation_record
from portal.supervision.evaluations import pages as evaluation_pages
from portal.supervision.inspections import pages as inspections
from portal.web.routes import RouteTable, bind_table

DOMAIN_ROUTES: tuple[RouteTable, ...] = (
    accounts.ROUTES,
    orgs.ROUTES,
    catalogue.ROUTES,
    programmes.ROUTES,
    suspension_pages.ROUTES,
    enrolment.ROUTES,
    mentors.ROUTES,
    training.ROUTES,
    status.ROUTES,
    quality.ROUTES,
    assessment.ROUTES,
    certificates.ROUTES,
    claim_pages.ROUTES,
    payment_pages.ROUTES,
    ledger_pages.ROUTES,
    hs_calls.ROUTES,
    hs_proposals.ROUTES,
    hs_review.ROUTES,
    hs_rosters.ROUTES,
    hs_delivery.ROUTES,
    hs_funding.ROUTES,
    inspections.ROUTES,
    audit_centre_pages.ROUTES,
    audit_auditor_pages.ROUTES,
    audit_evidence_pages.ROUTES,
    evaluation_pages.ROUTES,
    escalation_pages.ROUTES,
    dashboard_pages.ROUTES,
    audit_log_pages.ROUTES,
    jobs_pages.ROUTES,
    notifications.ROUTES,
)


# Domain facts templates show beside a record (the web layer imports no domain).
TEMPLATE_GLOBALS = {
    "contract_warning": lambda e: enrolment_checks.contract_warning(e.programme, e.contract_end),
    # AP-V2: the district's suspend / lift buttons on a programme's page.
    "may_suspend": lambda p: suspension.may_suspend(current_user, p),
    "may_lift": lambda p: suspension.may_lift(current_user, p),
    "suspension_deadline": lambda: suspension.default_deadline().isoformat(),
    # AP-V2, AP-V3: a programme's 监督记录 and an organisation's fraud record (staff only).
    "supervision_record": lambda p: escalation_record.programme_record(current_user, p),
    "fraud_record": lambda org_id: escalation_record.org_fraud_cases(current_user, org_id),
    # Issue 14: the header's unread-notification badge (one indexed count, none when anonymous).
    "notification_badge": lambda: notification_services.badge(current_user),
}


def bind_domains(bp) -> None:
    for table in DOMAIN_ROUTES:
        bind_table(bp, table)
    for name, function in TEMPLATE_GLOBALS.items():
        bp.add_app_template_global(function, name)
