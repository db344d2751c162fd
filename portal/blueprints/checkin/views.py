from flask import render_template

from portal.blueprints.checkin import bp


@bp.get("/")
def home():
    # Trainee accounts and their sessions arrive with enrolment (apprenticeship part 2).
    return render_template("checkin/home.html", sessions=[])
