"""The institution's mentors (培训机构教师（AP-M3）), their assignment to apprentices (AP-M1) and the
apprentices' credits (AP-C4). The logic is shared with the other side in mentor_pages and
credit_pages; these views only bind URLs."""

from portal.blueprints import credit_pages, mentor_pages
from portal.blueprints.institution import bp

PREFIX = "institution"


@bp.get("/mentors", endpoint="mentors")
def mentors_list():
    return mentor_pages.list_page(PREFIX)


@bp.route("/mentors/new", methods=["GET", "POST"])
def new_mentor():
    return mentor_pages.form_page(PREFIX)


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
def edit_mentor(mentor_id: int):
    return mentor_pages.form_page(PREFIX, mentor_id)


@bp.post("/mentors/<int:mentor_id>/deactivate")
def deactivate_mentor(mentor_id: int):
    return mentor_pages.set_active(PREFIX, mentor_id, active=False)


@bp.post("/mentors/<int:mentor_id>/activate")
def activate_mentor(mentor_id: int):
    return mentor_pages.set_active(PREFIX, mentor_id, active=True)


@bp.get("/programmes/<int:programme_id>/mentors")
def programme_mentors(programme_id: int):
    return mentor_pages.programme_page(PREFIX, programme_id)


@bp.post("/programmes/<int:programme_id>/mentors/assign")
def assign_mentors(programme_id: int):
    return mentor_pages.assign_selected(PREFIX, programme_id)


@bp.post("/programmes/<int:programme_id>/mentors/<int:enrolment_id>")
def assign_mentor(programme_id: int, enrolment_id: int):
    return mentor_pages.assign_one(PREFIX, programme_id, enrolment_id)


@bp.get("/programmes/<int:programme_id>/credits")
def programme_credits(programme_id: int):
    return credit_pages.overview(PREFIX, programme_id)


@bp.post("/programmes/<int:programme_id>/credits")
def record_credits(programme_id: int):
    return credit_pages.record_for_class(PREFIX, programme_id)


@bp.route("/programmes/<int:programme_id>/credits/<int:enrolment_id>", methods=["GET", "POST"])
def apprentice_credits(programme_id: int, enrolment_id: int):
    return credit_pages.apprentice(PREFIX, programme_id, enrolment_id)
