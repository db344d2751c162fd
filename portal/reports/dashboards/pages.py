"""数据看板: the centre's city dashboard and each district's own (C-DIST), and the lists
behind its figures (the enrolments report; the centre's HS trainees of a year).

The dashboard reads its figure set from the cache (one row), so a view costs a constant
handful of queries at any scale; the centre may refresh it at once (POST).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, redirect, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal import rules
from portal.apprenticeship.enrolment.access import enrolments_for
from portal.apprenticeship.training.leave import today
from portal.extensions import db
from portal.models import (
    Apprentice,
    District,
    Enrolment,
    HsProposal,
    HsTrainee,
    Occupation,
    Organisation,
    Programme,
)
from portal.reports.dashboards import cache, figures, panels
from portal.reports.dashboards import filters as report_filters
from portal.reports.dashboards.filters import STATES, filters_from_request, forced_district
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

DASHBOARD_TEMPLATE = "reports/dashboards/dashboard.html"
ENROLMENTS_TEMPLATE = "reports/dashboards/enrolments.html"
HS_TEMPLATE = "reports/dashboards/hs_trainees.html"
Enterprise = aliased(Organisation, name="enterprise")


@dataclass(frozen=True)
class DashboardView(RoleView):
    city_wide: bool = False  # the centre: the whole city, with a breakdown by district
    refreshes: bool = False  # may recompute the figures at once


VIEWS = {
    "district": DashboardView(blueprint="district"),
    "center": DashboardView(blueprint="center", city_wide=True, refreshes=True),
}


def _scope_district(view: DashboardView) -> str:
    """C-DIST: the district's own code (another one asked for is a 404); the city is ""."""
    district = forced_district(current_user)
    return "" if view.city_wide else district


def dashboard():
    """The figure set of the scope, from the cache while fresh; the view commits a refill."""
    view = current_view(VIEWS)
    district = _scope_district(view)
    data, computed_at = cache.figures_for(current_user, district)
    db.session.commit()
    return page_or_block(DASHBOARD_TEMPLATE, "figures", view=view, data=data,
                         computed_at=computed_at, panels=panels.build(view, data), states=STATES,
                         max_age_minutes=int(cache.MAX_AGE.total_seconds() // 60),
                         district_name=_district_name(district))


def dashboard_refresh():
    view = current_view(VIEWS)
    if not view.refreshes:
        abort(404)
    cache.figures_for(current_user, "", refresh=True)
    db.session.commit()
    return redirect(view.url("dashboard"), code=303)


def _district_name(code: str) -> str:
    if not code:
        return ""
    return db.session.scalar(sa.select(District.name).where(District.code == code)) or code


def enrolment_report():
    """The enrolments behind a figure: the same clauses as the figure, so the same count."""
    view = current_view(VIEWS)
    filters = filters_from_request(current_user)
    q = (enrolments_for(current_user)
         .with_only_columns(Enrolment.id, Enrolment.state, Enrolment.established_on,
                            Enrolment.stated_name, Apprentice.name.label("person_name"),
                            Apprentice.resident_id, Programme.level, Occupation.name.label("occupation"),
                            Enterprise.name.label("enterprise"), District.name.label("district"))
         .join(Programme, Programme.id == Enrolment.programme_id)
         .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
         .join(Occupation, Occupation.id == Programme.occupation_id)
         .join(Enterprise, Enterprise.id == Enrolment.enterprise_id)
         .join(District, District.code == Enrolment.district_code)
         .where(*filters.clauses())
         .order_by(Enrolment.established_on.desc(), Enrolment.id.desc()))
    page = paginate_rows(q)
    occupation = (db.session.scalar(sa.select(Occupation.name)
                                    .where(Occupation.id == filters.occupation_id))
                  if filters.occupation_id is not None else None)
    return page_or_block(ENROLMENTS_TEMPLATE, "results", view=view, page=page, filters=filters,
                         states=STATES, occupation=occupation, levels=rules.LEVEL_LABELS,
                         district_name=_district_name(filters.district),
                         mask_name=rules.mask_name)


def hs_trainee_report():
    """HS-P2: this year's trainees on the projects' lists (the figure against the cap)."""
    raw = request.args.get("year", "")
    year = report_filters._int(raw, 2000, 2100) or today().year
    q = (figures.hs_trainees(year)
         .with_only_columns(HsTrainee.id, HsTrainee.name,
                            HsTrainee.resident_id, HsTrainee.employer_name,
                            HsTrainee.level, HsProposal.title)
         .order_by(HsProposal.id, HsTrainee.id))
    page = paginate_rows(q)
    return page_or_block(HS_TEMPLATE, "results", page=page, year=year, mask_name=rules.mask_name)


_SHARED = (
    ("/reports/dashboard", "dashboard", dashboard, GET),
    ("/reports/enrolments", "report_enrolments", enrolment_report, GET),
)
ROUTES: RouteTable = {
    "district": _SHARED,
    "center": _SHARED + (
        ("/reports/dashboard/refresh", "dashboard_refresh", dashboard_refresh, POST),
        ("/reports/hs-trainees", "report_hs_trainees", hs_trainee_report, GET),
    ),
}
