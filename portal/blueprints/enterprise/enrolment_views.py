"""学徒报名 by the enterprise (AP-W2): the programme's apprentices, the form with live
checks, Excel import, submission, training agreements (AP-A1), initial passwords.

Bindings only: the logic is in ``enrolment_pages`` (list, detail, C-PII view),
``enrolment_registration_pages`` and ``enrolment_import_pages``.
"""

from portal.apprenticeship.enrolment import import_pages as imports
from portal.apprenticeship.enrolment import pages
from portal.apprenticeship.enrolment import registration_pages as registration
from portal.apprenticeship.enrolment.forms import AgreementForm
from portal.blueprints.enterprise import bp


@bp.get("/enrolments", endpoint="enrolments")
def enrolments_list():
    return pages.queue_page("enterprise")


@bp.get("/enrolments/import-template.xlsx")
def enrolment_import_template():
    return imports.template_download()


@bp.get("/programmes/<int:programme_id>/apprentices")
def programme_apprentices(programme_id: int):
    return registration.roster(programme_id)


@bp.route("/programmes/<int:programme_id>/apprentices/new", methods=["GET", "POST"])
def new_enrolment(programme_id: int):
    return registration.new_registration(programme_id)


@bp.post("/programmes/<int:programme_id>/apprentices/check/<field>")
def check_enrolment_field(programme_id: int, field: str):
    return registration.check_field(programme_id, field)


@bp.route("/enrolments/<int:enrolment_id>/edit", methods=["GET", "POST"])
def edit_enrolment(enrolment_id: int):
    return registration.edit_registration(enrolment_id)


@bp.get("/enrolments/<int:enrolment_id>")
def enrolment(enrolment_id: int):
    return pages.detail("enterprise", enrolment_id, agreement_form=AgreementForm())


@bp.post("/enrolments/<int:enrolment_id>/identity")
def enrolment_identity(enrolment_id: int):
    return pages.reveal("enterprise", enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/submit")
def submit_enrolment(enrolment_id: int):
    return registration.submit(enrolment_id)


@bp.post("/programmes/<int:programme_id>/apprentices/submit")
def submit_all_enrolments(programme_id: int):
    return registration.submit_all(programme_id)


@bp.post("/enrolments/<int:enrolment_id>/agreement")
def enrolment_agreement(enrolment_id: int):
    return registration.agreement(enrolment_id)


@bp.post("/programmes/<int:programme_id>/apprentices/agreement")
def record_collective_agreement(programme_id: int):
    return registration.collective_agreement(programme_id)


@bp.post("/enrolments/<int:enrolment_id>/password")
def enrolment_password(enrolment_id: int):
    return registration.initial_password(enrolment_id)


@bp.route("/programmes/<int:programme_id>/apprentices/import", methods=["GET", "POST"])
def import_enrolments(programme_id: int):
    return imports.upload(programme_id)


@bp.post("/programmes/<int:programme_id>/apprentices/import/confirm")
def confirm_enrolment_import(programme_id: int):
    return imports.confirm(programme_id)
