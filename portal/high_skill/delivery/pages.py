"""The delivery route table: the host's sessions, summaries, assessment and completion filing
(enterprise, institution, host), the centre's read-only view and filings list, and the
trainee's summary pages (checkin)."""

from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.delivery import completion_pages as done
from portal.high_skill.delivery import session_pages as run
from portal.high_skill.delivery import trainee_pages as trainee
from portal.high_skill.delivery import worklist as _worklist  # noqa: F401  (registers kinds)
from portal.web.routes import GET, GET_POST, POST, Route, RouteTable

READ: tuple[Route, ...] = (
    ("/hs/delivery", "hs_deliveries", run.list_page, GET),
    ("/hs/delivery/<int:proposal_id>", "hs_delivery", run.delivery_page, GET),
    ("/hs/delivery/sessions/<int:session_id>", "hs_session", run.session_page, GET),
    ("/hs/delivery/sessions/<int:session_id>/attendees", "hs_session_attendees",
     run.attendees_block, GET),
    ("/hs/delivery/<int:proposal_id>/trainees/<int:trainee_id>/summary", "hs_summary_file",
     done.summary_file, GET),
    ("/hs/delivery/<int:proposal_id>/completion", "hs_completion", done.completion_page, GET),
    ("/hs/delivery/<int:proposal_id>/roster.xlsx", "hs_roster_xlsx", done.roster_xlsx_page, GET),
)

HOST: tuple[Route, ...] = READ + (
    ("/hs/delivery/<int:proposal_id>/sessions/new", "hs_session_new", run.new_session_page,
     GET_POST),
    ("/hs/delivery/sessions/<int:session_id>/qr", "hs_session_qr", run.qr_block, GET),
    ("/hs/delivery/sessions/<int:session_id>/close", "hs_session_close", run.close, POST),
    ("/hs/delivery/<int:proposal_id>/trainees/<int:trainee_id>/summary", "hs_summary_upload",
     done.upload_summary, POST),
    ("/hs/delivery/<int:proposal_id>/trainees/<int:trainee_id>/assess", "hs_assess",
     done.assess_page, GET_POST),
    ("/hs/delivery/<int:proposal_id>/completion", "hs_completion_file", done.completion_page,
     POST),
)

CENTRE: tuple[Route, ...] = READ + (
    ("/hs/completions", "hs_completion_filings", done.filings_page, GET),
)

TRAINEE: tuple[Route, ...] = (
    ("/hs/trainees/<int:trainee_id>/summary", "hs_summary", trainee.summary_page, GET_POST),
    ("/hs/trainees/<int:trainee_id>/summary/file", "hs_summary_download", trainee.summary_file,
     GET),
)

ROUTES: RouteTable = {**dict.fromkeys(HOST_BLUEPRINTS, HOST), "center": CENTRE,
                      "checkin": TRAINEE}
