"""Subsidy ledger (台账, AP-$6) with its exports, each programme's subsidy sheet with the
reason a payment is held (AP-S1, AP-S2, AP-$3..$5, AP-V2), and the enterprise's forecast."""

from dataclasses import dataclass

from flask import Response, redirect, request, url_for
from flask_login import current_user

from portal.apprenticeship.training.leave import today
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import Apprentice, Enrolment, Occupation, Programme, SubsidyAccount
from portal.money import ledger
from portal.money.access import accounts_for, claims_for
from portal.money.ledger import export as ledger_export
from portal.money.ledger import forecast as forecast_page
from portal.money.ledger import sheet as subsidy_sheet
from portal.money.ledger.holds import holds_for
from portal.reports.jobs import ledger_export as ledger_export_job
from portal.web.commit import commit_or_refuse
from portal.web.districts import all_districts
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

LEDGER_TEMPLATE = "money/ledger.html"
ACCOUNTS_TEMPLATE = "money/accounts.html"
FIRST_YEAR = 2021


@dataclass(frozen=True)
class LedgerView(RoleView):
    city_wide: bool = False
    shows_enterprise: bool = True


VIEWS = {
    "enterprise": LedgerView(blueprint="enterprise", shows_enterprise=False),
    "institution": LedgerView(blueprint="institution"),
    "district": LedgerView(blueprint="district"),
    "center": LedgerView(blueprint="center", city_wide=True),
}


def ledger_filters(view: LedgerView) -> ledger.LedgerFilters:
    """Whitelisted query-string filters (year, kind, search, programme, district)."""
    year = request.args.get("year", "")
    kind = request.args.get("kind", "")
    programme = request.args.get("programme", "")
    return ledger.LedgerFilters(
        year=int(year) if year.isascii() and year.isdigit() and FIRST_YEAR <= int(year) <= 2100 else None,
        kind=kind if kind in {k.value for k in ledger.EntryKind} else "",
        q=request.args.get("q", "").strip()[:40],
        programme_id=int(programme) if programme.isascii() and programme.isdigit()
        and len(programme) < 10 else None,
        district=request.args.get("district", "")[:6] if view.city_wide else "",
    )


def ledger_page():
    """AP-$6: three queries whatever the data: count, page, totals per kind."""
    view = current_view(VIEWS)
    filters = ledger_filters(view)
    page = paginate_rows(ledger.ledger_query(current_user, filters))
    return page_or_block(
        LEDGER_TEMPLATE, "results", view=view, page=page, filters=filters,
        totals=ledger.ledger_totals(current_user, filters), kinds=list(ledger.EntryKind),
        fund_labels=ledger.FUND_LABELS, years=range(today().year, FIRST_YEAR - 1, -1),
        districts=all_districts() if view.city_wide else [],
    )


def _download(data: bytes, name: str) -> Response:
    response = Response(data, mimetype=ledger_export.XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def ledger_xlsx():
    filters = ledger_filters(current_view(VIEWS))
    return _download(ledger_export.ledger_xlsx(current_user, filters), "ledger.xlsx")


def ledger_export_start():
    """AP-$6: the centre's export (city-wide by default) runs as a background job with a
    progress bar (issue 14); the user lands on the job's page."""
    filters = ledger_filters(current_view(VIEWS))
    done = commit_or_refuse(lambda: ledger_export_job.start(current_user, filters))
    return redirect(url_for("center.job", job_id=done.value.id))


def publicity_xlsx():
    """公示: approved and paid claims of the user's scope (enterprise, occupation, level,
    headcount, amount)."""
    filters = ledger_filters(current_view(VIEWS))
    return _download(ledger_export.publicity_xlsx(claims_for(current_user), filters.year),
                     "publicity.xlsx")


def programme_subsidy(programme_id: int):
    """Per apprentice: prepayment, prepaid?, outcome, entitlement, remainder, what holds it."""
    view = current_view(VIEWS)
    programme = get_or_404_for(current_user, Programme, programme_id)
    occupation = db.session.get(Occupation, programme.occupation_id)
    scope = accounts_for(current_user)
    q = (scope.add_columns(Enrolment.state, Apprentice.name, Apprentice.resident_id)
         .join(Enrolment, Enrolment.id == SubsidyAccount.enrolment_id)
         .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
         .where(SubsidyAccount.programme_id == programme.id)
         .order_by(Apprentice.name, SubsidyAccount.id))
    page = paginate_rows(q)
    accounts = [row.SubsidyAccount for row in page.items]
    assessed = subsidy_sheet.assessments_of([a.enrolment_id for a in accounts])
    sheet, params_by_day = {}, {}
    for row in page.items:
        a = row.SubsidyAccount
        outcome = subsidy_sheet.known_outcome(row.state, assessed.get(a.enrolment_id), a.outcome)
        sheet[a.id] = subsidy_sheet.figures(a, outcome, params_by_day)
    return page_or_block(
        ACCOUNTS_TEMPLATE, "results", view=view, programme=programme, occupation=occupation,
        page=page, sheet=sheet, holds=holds_for(accounts, today()),
        totals=subsidy_sheet.programme_totals(programme.id, scope),
    )


_READ = (
    ("/ledger", "ledger", ledger_page, GET),
    ("/ledger/export.xlsx", "ledger_xlsx", ledger_xlsx, GET),
    ("/ledger/publicity.xlsx", "ledger_publicity_xlsx", publicity_xlsx, GET),
    ("/programmes/<int:programme_id>/subsidy", "programme_subsidy", programme_subsidy, GET),
)
ROUTES: RouteTable = {
    "enterprise": _READ + (
        ("/subsidy/forecast", "subsidy_forecast", forecast_page.forecast_page, GET),),
    "institution": _READ,
    "district": _READ,
    "center": _READ + (
        ("/ledger/export-job", "ledger_export_job", ledger_export_start, POST),),
}
