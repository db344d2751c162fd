"""The route table of the trainee lists and their filed versions (HS-W4, HS-W5, HS-E1…E3).

Host pages are bound into every host blueprint (enterprise, institution, host); the centre
reads the lists, the histories and the city-wide filings.
"""

from portal.high_skill import HOST_BLUEPRINTS
from portal.high_skill.rosters import access as _access  # noqa: F401  (registers the actions)
from portal.high_skill.rosters import filing_pages, import_pages, list_pages, worklist
from portal.web.routes import GET, GET_POST, POST, Route, RouteTable

_READ: tuple[Route, ...] = (
    ("/hs/projects/<int:proposal_id>/trainee-list", "hs_list", list_pages.trainee_list, GET),
    ("/hs/projects/<int:proposal_id>/filings", "hs_list_history", filing_pages.history, GET),
)

_HOST: tuple[Route, ...] = _READ + (
    ("/hs/trainee-lists/pending", "hs_list_pending", worklist.pending_list, GET),
    ("/hs/projects/<int:proposal_id>/trainee-list/new", "hs_list_add",
     list_pages.add_trainee, GET_POST),
    ("/hs/trainee-list/<int:trainee_id>/edit", "hs_list_edit", list_pages.edit_trainee,
     GET_POST),
    ("/hs/trainee-list/<int:trainee_id>/remove", "hs_list_remove", list_pages.remove_trainee,
     POST),
    ("/hs/trainee-list/<int:trainee_id>/password", "hs_list_password",
     list_pages.initial_password, POST),
    ("/hs/projects/<int:proposal_id>/trainee-list/file", "hs_list_file", list_pages.file_list,
     POST),
    ("/hs/trainee-list/import-template.xlsx", "hs_list_import_template",
     import_pages.template_download, GET),
    ("/hs/projects/<int:proposal_id>/trainee-list/import", "hs_list_import",
     import_pages.upload, GET_POST),
    ("/hs/projects/<int:proposal_id>/trainee-list/import/preview", "hs_list_import_preview",
     import_pages.preview_page, GET),
    ("/hs/projects/<int:proposal_id>/trainee-list/import/errors.xlsx", "hs_list_import_errors",
     import_pages.error_report, GET),
    ("/hs/projects/<int:proposal_id>/trainee-list/import/confirm", "hs_list_import_confirm",
     import_pages.confirm, POST),
    ("/hs/projects/<int:proposal_id>/filings/change", "hs_list_change",
     filing_pages.file_change, GET_POST),
)

ROUTES: RouteTable = {
    **{name: _HOST for name in HOST_BLUEPRINTS},
    "center": _READ + (("/hs/filings", "hs_list_filings", filing_pages.filings, GET),),
}
