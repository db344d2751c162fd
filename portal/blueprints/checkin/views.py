"""The trainee's home page on the phone: today's sessions, attendance history, credits (AP-P4),
and the high-skill projects whose list names them, with their work summary (HS-P5).

Scanning, checking in and leave are the training domain's pages (training/pages.py).
"""

from flask import request
from flask_login import current_user

from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.training import attendance, credits, presence
from portal.apprenticeship.training.attendance_forms import CheckInCodeForm
from portal.blueprints.checkin.blueprint import bp
from portal.high_skill.delivery import summaries as hs_summaries
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.worklist import worklist_for


@bp.get("/")
def home():
    today = attendance.todays_sessions(current_user, attendance.today())
    history = paginate(
        attendance.history_query(current_user, before=attendance.now_utc()))
    check_ins = attendance.own_check_ins(current_user,
                                         [s.id for s in (*today, *history.items)])
    block = "history" if request.args.get("page") else "today"
    enrolment = enrolments.current_enrolment_for(current_user)
    progress = credits.trainee_progress(enrolment.id) if enrolment is not None else None
    # AP-P1: the typed-code fallback for today's open sessions not yet checked in to.
    code_form = CheckInCodeForm().offer(presence.awaiting_check_in(today, check_ins))
    return page_or_block("checkin/home.html", block, today_sessions=today, history=history,
                         check_ins=check_ins, progress=progress, work=worklist_for(current_user),
                         code_form=code_form,
                         hs_listings=hs_summaries.my_listings(current_user))
