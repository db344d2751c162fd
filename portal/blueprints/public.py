"""Pages for everyone, without login: certificate verification (AP-S1).

Rate-limited per IP (CERTIFICATE_VERIFY_LIMIT, one budget shared by the form and the result
pages), and an unknown number gets one neutral page, so numbers cannot be enumerated.
"""

from flask import Blueprint, current_app, redirect, request, url_for

from portal import rules
from portal.certificates import services
from portal.certificates.forms import VerifyForm
from portal.extensions import limiter
from portal.web.render import page_or_block

bp = Blueprint("public", __name__)

VERIFY_LIMIT = "20 per minute"
LIMITED = "查询过于频繁，请稍后再试。"
TEMPLATE = "certificate/verify.html"


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT", VERIFY_LIMIT)


verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verify",
                                    error_message=LIMITED)


@bp.get("/verify")
@verify_limit
def verify():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        number = services.normalise_number(form.number.data) or "-"
        return redirect(url_for("public.verify_number", number=number))
    return page_or_block(TEMPLATE, "result", form=form, certificate=None, looked_up=False)


@bp.get("/verify/<string(maxlength=64):number>")
@verify_limit
def verify_number(number: str):
    certificate = services.by_number(number)
    form = VerifyForm(data={"number": certificate.number if certificate else ""})
    response = page_or_block(
        TEMPLATE, "result", status_code=200 if certificate else 404, form=form,
        certificate=certificate, looked_up=True,
        holder=rules.mask_name(certificate.holder_name) if certificate else "")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
