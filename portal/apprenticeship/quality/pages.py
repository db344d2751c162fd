"""Training quality (培训质量, AP-P4): attendance and attrition of each programme in scope, with
the alerts, for the enterprise (its own), the district and the centre (city-wide)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.apprenticeship.programmes.access import programmes_for
from portal.apprenticeship.quality import services as rates
from portal.apprenticeship.training.leave import today
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import Occupation, Organisation, Programme, ReviewState
from portal.web.districts import all_districts
from portal.web.pagination import ListPage, page_number, page_size
from portal.web.render import page_or_block
from portal.web.routes import GET, RoleView, RouteTable, current_view

RATES_TEMPLATE = "rates/list.html"
Enterprise = aliased(Organisation, name="enterprise")

SORTS = {
    "alert": "预警优先",
    "attendance": "出勤率从低到高",
    "attrition": "流失率从高到低",
    "start": "开班日期从新到旧",
}


@dataclass(frozen=True)
class QualityView(RoleView):
    city_wide: bool = False  # filters by district
    shows_enterprise: bool = True


VIEWS = {
    "enterprise": QualityView(blueprint="enterprise", shows_enterprise=False),
    "district": QualityView(blueprint="district"),
    "center": QualityView(blueprint="center", city_wide=True),
}


def quality_filters(view: QualityView) -> dict:
    sort = request.args.get("sort", "alert")
    return {
        "sort": sort if sort in SORTS else "alert",
        "alerts_only": request.args.get("alerts") == "1",
        "district": request.args.get("district", "")[:6] if view.city_wide else "",
    }


def _sort_key(sort: str, found: dict[int, rates.Rates], starts: dict[int, object]):
    none_last = 1000  # a programme with nothing to count yet sorts after every figure

    def key(programme_id: int):
        r = found[programme_id]
        if sort == "attendance":
            return (none_last if r.attendance_pct is None else r.attendance_pct, programme_id)
        if sort == "attrition":
            return (-(r.attrition_pct if r.attrition_pct is not None else -1), programme_id)
        if sort == "start":
            return (-starts[programme_id].toordinal(), programme_id)
        return (not r.alert, -(r.attrition_pct or 0),
                none_last if r.attendance_pct is None else r.attendance_pct, programme_id)

    return key



def quality_page():
    """AP-P4 per programme in scope; sorted by alert across pages, so the rates of every
    programme in scope are computed (grouped queries), then one page is loaded."""
    view = current_view(VIEWS)
    filters = quality_filters(view)
    q = programmes_for(current_user).where(Programme.state == ReviewState.APPROVED)
    if filters["district"]:
        q = q.where(Programme.district_code == filters["district"])
    starts = dict(db.session.execute(q.with_only_columns(Programme.id, Programme.start_date)).all())
    params = parameters_on(today())
    found = rates.programme_rates(starts, params=params)
    ids = sorted(starts, key=_sort_key(filters["sort"], found, starts))
    if filters["alerts_only"]:
        ids = [i for i in ids if found[i].alert]
    per_page, page_no = page_size(), page_number()
    shown = ids[(page_no - 1) * per_page: page_no * per_page]
    loaded = {row.Programme.id: row for row in db.session.execute(
        sa.select(Programme, Occupation, Enterprise)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .join(Enterprise, Enterprise.id == Programme.enterprise_id)
        .where(Programme.id.in_(shown))
    )} if shown else {}
    page = ListPage(items=[loaded[i] for i in shown], page=page_no, per_page=per_page,
                    total=len(ids))
    return page_or_block(
        RATES_TEMPLATE, "results", view=view, page=page, rates=found, filters=filters,
        sorts=SORTS, params=params, alert_count=sum(1 for r in found.values() if r.alert),
        districts=all_districts() if view.city_wide else [],
    )


_ROUTES = (("/quality", "quality", quality_page, GET),)
ROUTES: RouteTable = {"enterprise": _ROUTES, "district": _ROUTES, "center": _ROUTES}
