"""Certificates in the portal (AP-S1, HS-W9): each role's list, the printable page, the PDF, and the
centre's revocation. Scopes are in access.py; the public look-up is blueprints/public.py."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, make_response, redirect, request
from flask_login import current_user

from portal.certificates import access as _access  # noqa: F401  (registers the scope)
from portal.certificates import printing, services
from portal.certificates.access import certificates_for
from portal.certificates.forms import RevokeForm
from portal.certificates.issue import OBJECT_TYPE
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import Apprentice, Certificate, CertificateKind, HsTrainee
from portal.web.commit import commit_or_refuse
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

LIST_TEMPLATE = "certificate/list.html"
DETAIL_TEMPLATE = "certificate/detail.html"
ACTION_LABELS = {"issue": "发证", "revoke": "撤销证书"}


@dataclass(frozen=True)
class CertificateView(RoleView):
    layout: str = "base.html"
    revokes: bool = False  # the centre: revocation form on the detail page
    heading: str = "证书"


VIEWS = {
    "center": CertificateView(blueprint="center", revokes=True, heading="证书管理"),
    "district": CertificateView(blueprint="district", heading="本区证书"),
    "enterprise": CertificateView(blueprint="enterprise", heading="学徒证书"),
    "institution": CertificateView(blueprint="institution", heading="学徒证书"),
    # HS-W9: a high-skill host that is neither enterprise nor institution.
    "host": CertificateView(blueprint="host", heading="研修学员证书"),
    "checkin": CertificateView(blueprint="checkin", layout="checkin/layout.html",
                               heading="我的证书"),
}


def _filters() -> dict:
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    return {
        "q": request.args.get("q", "").strip()[:32],
        "state": state if state in ("valid", "revoked") else "",
        "kind": kind if kind in {k.value for k in CertificateKind} else "",
    }


def _rows(filters: dict) -> sa.Select:
    """Each certificate with its holder's person record, in one query."""
    resident_id = sa.func.coalesce(Apprentice.resident_id, HsTrainee.resident_id)
    q = (certificates_for(current_user).add_columns(resident_id.label("resident_id"))
         .outerjoin(Apprentice, Apprentice.id == Certificate.apprentice_id)
         .outerjoin(HsTrainee, HsTrainee.id == Certificate.hs_trainee_id))
    if filters["q"]:
        number = services.normalise_number(filters["q"])
        q = q.where(sa.or_(
            Certificate.number == number,
            Certificate.holder_name.contains(filters["q"], autoescape=True)))
    if filters["state"] == "valid":
        q = q.where(Certificate.revoked_at.is_(None))
    elif filters["state"] == "revoked":
        q = q.where(Certificate.revoked_at.is_not(None))
    if filters["kind"]:
        q = q.where(Certificate.kind == filters["kind"])
    return q.order_by(Certificate.issued_on.desc(), Certificate.id.desc())


def certificate_list():
    view = current_view(VIEWS)
    filters = _filters()
    page = paginate_rows(_rows(filters))
    return page_or_block(LIST_TEMPLATE, "results", view=view, page=page, filters=filters,
                         kinds=list(CertificateKind))


def _detail_page(certificate: Certificate, form=None, status_code: int = 200):
    view = current_view(VIEWS)
    if certificate.hs_trainee_id is not None:  # HS-W9
        resident_id = db.session.scalar(
            sa.select(HsTrainee.resident_id).where(HsTrainee.id == certificate.hs_trainee_id))
    else:
        resident_id = db.session.scalar(
            sa.select(Apprentice.resident_id).where(Apprentice.id == certificate.apprentice_id))
    if form is None and view.revokes and certificate.valid:
        form = RevokeForm()
    return page_or_block(
        DETAIL_TEMPLATE, "content", status_code=status_code, view=view, form=form,
        resident_id=resident_id, action_labels=ACTION_LABELS, timeline=audit.timeline(OBJECT_TYPE, certificate.id),
        **printing.sheet_context(certificate))


def detail(certificate_id: int):
    return _detail_page(get_or_404_for(current_user, Certificate, certificate_id))


def pdf(certificate_id: int):
    certificate = get_or_404_for(current_user, Certificate, certificate_id)
    response = make_response(printing.render_pdf(certificate))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{printing.pdf_filename(certificate)}"')
    return response


def revoke(certificate_id: int):
    """AP-S1, C-AUD: the centre revokes with a reason; a refusal is shown on the form."""
    certificate = get_or_404_for(current_user, Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        done = commit_or_refuse(
            lambda: services.revoke(current_user, certificate, form.reason.data),
            done=f"证书 {certificate.number} 已撤销。", form=form)
        back = current_view(VIEWS).url("certificate", certificate_id=certificate_id)
        if done:
            return redirect(back)
        certificate = get_or_404_for(current_user, Certificate, certificate_id)
        if not certificate.valid:  # revoked meanwhile: the page shows it, with the refusal
            flash(done.error, "error")
            return redirect(back)
    return _detail_page(certificate, form=form, status_code=422)


_READ = (
    ("/certificates", "certificates", certificate_list, GET),
    ("/certificates/<int:certificate_id>", "certificate", detail, GET),
    ("/certificates/<int:certificate_id>.pdf", "certificate_pdf", pdf, GET),
)
ROUTES: RouteTable = {
    "center": _READ + (
        ("/certificates/<int:certificate_id>/revoke", "revoke_certificate", revoke, POST),
    ),
    "district": _READ,
    "enterprise": _READ,
    "institution": _READ,
    "host": _READ,
    "checkin": _READ,
}
