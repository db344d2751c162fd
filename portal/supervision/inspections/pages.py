"""AP-V1 pages: the district's sample and inspection records, the centre's overview, and the
enterprise's and institution's read-only view of the inspections of their programmes."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.clock import today
from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import (
    District,
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionSample,
    Occupation,
    Organisation,
    Programme,
    User,
)
from portal.supervision.inspections import samples, services
from portal.supervision.inspections import worklist as _worklist  # registers its kind
from portal.supervision.inspections.access import inspections_for, samples_for
from portal.supervision.inspections.forms import InspectionForm, SampleForm, fresh_seed
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.pagination import paginate, paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST, RoleView, RouteTable, current_view

T = "supervision/inspections/"
Enterprise = aliased(Organisation, name="enterprise")
Institution = aliased(Organisation, name="institution")


@dataclass(frozen=True)
class InspectionView(RoleView):
    records: bool = False  # the district: draws samples, records inspections
    samples: bool = False  # sees samples (district, centre)
    all_districts: bool = False  # the centre


VIEWS = {
    "district": InspectionView("district", records=True, samples=True),
    "center": InspectionView("center", samples=True, all_districts=True),
    "enterprise": InspectionView("enterprise"),
    "institution": InspectionView("institution"),
}


# --- Inspections list ------------------------------------------------------------------------


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        return None


def _filters(view: InspectionView) -> dict:
    kind, result = request.args.get("kind", ""), request.args.get("result", "")
    district = request.args.get("district", "")
    return {
        "kind": kind if kind in {k.value for k in InspectionKind} else "",
        "result": result if result in {r.value for r in InspectionResult} else "",
        "from": _date_arg("from"), "to": _date_arg("to"),
        "programme_id": request.args.get("programme_id", type=db_int),
        # Only the centre picks a district; a district's list is its own (C-DIST).
        "district": district if view.all_districts and district.isascii() else "",
    }


def _rows(q: sa.Select) -> sa.Select:
    """An inspection with what its row shows, in the same query (no N+1)."""
    return (q.add_columns(Programme.id.label("programme_no"), Enterprise.name.label("enterprise"),
                          Occupation.name.label("occupation"))
            .join(Programme, Programme.id == Inspection.programme_id)
            .join(Enterprise, Enterprise.id == Programme.enterprise_id)
            .join(Occupation, Occupation.id == Programme.occupation_id))


def inspection_list():
    view = current_view(VIEWS)
    filters = _filters(view)
    q = inspections_for(current_user)
    if filters["kind"]:
        q = q.where(Inspection.kind == filters["kind"])
    if filters["result"]:
        q = q.where(Inspection.result == filters["result"])
    if filters["from"]:
        q = q.where(Inspection.inspected_on >= filters["from"])
    if filters["to"]:
        q = q.where(Inspection.inspected_on <= filters["to"])
    if filters["programme_id"] is not None:
        q = q.where(Inspection.programme_id == filters["programme_id"])
    if filters["district"]:
        q = q.where(Inspection.district_code == filters["district"][:6])
    page = paginate_rows(_rows(q).order_by(Inspection.inspected_on.desc(), Inspection.id.desc()))
    districts = (db.session.execute(sa.select(District.code, District.name)
                                    .order_by(District.code)).all()
                 if view.all_districts else [])
    return page_or_block(T + "list.html", "results", view=view, page=page, filters=filters,
                         kinds=list(InspectionKind), results=list(InspectionResult),
                         districts=districts)


def inspection_detail(inspection_id: int):
    view = current_view(VIEWS)
    inspection = get_or_404_for(current_user, Inspection, inspection_id)
    row = db.session.execute(
        sa.select(Programme, Enterprise, Institution, Occupation.name.label("occupation"))
        .join(Enterprise, Enterprise.id == Programme.enterprise_id)
        .join(Institution, Institution.id == Programme.institution_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.id == inspection.programme_id)).one()
    inspector = db.session.get(User, inspection.inspector_id) if inspection.inspector_id else None
    return page_or_block(T + "detail.html", "content", view=view, inspection=inspection,
                         row=row, inspector=inspector,
                         photos=services.photos_of(inspection.id),
                         timeline=audit.timeline(services.OBJECT_TYPE, inspection.id))


# --- Samples (district, centre) ----------------------------------------------------------------


def _sample_view() -> InspectionView:
    view = current_view(VIEWS)
    if not view.samples:
        abort(404)
    return view


def sample_list():
    view = _sample_view()
    form = SampleForm(seed=fresh_seed()) if view.records else None
    if view.records and request.method == "POST":
        form = SampleForm()
        if form.validate():
            done = commit_or_refuse(lambda: samples.draw(
                current_user, seed=form.seed.data, size=form.size.data,
                percent=form.percent.data), form=form)
            if done:
                return redirect(view.url("inspection_sample", sample_id=done.value.id))
    elif request.method == "POST":
        abort(405)
    pending = request.args.get("pending") == "1"
    q = samples_for(current_user)
    if pending:
        q = q.where(_worklist.has_pending())
    page = paginate(q.order_by(InspectionSample.drawn_on.desc(), InspectionSample.id.desc()))
    pool = len(samples.candidates(current_user.district_code, today())) if view.records else None
    status = 422 if form is not None and form.errors else 200
    return page_or_block(T + "samples.html", "results", status_code=status, view=view,
                         form=form, page=page, pool=pool, pending=pending)


def sample_detail(sample_id: int):
    view = _sample_view()
    sample = get_or_404_for(current_user, InspectionSample, sample_id)
    rows = samples.sample_rows(sample)
    return page_or_block(T + "sample.html", "content", view=view, sample=sample, rows=rows,
                         district=db.session.get(District, sample.district_code))


# --- Recording an inspection (district) ----------------------------------------------------


def _sample_arg() -> InspectionSample | None:
    raw = request.values.get("sample_id", "")
    try:
        sample_id = db_int(raw) if raw else None
    except ValueError:
        sample_id = None
    return get_or_404_for(current_user, InspectionSample, sample_id) if sample_id else None


def record_inspection(programme_id: int):
    view = current_view(VIEWS)
    if not view.records:
        abort(404)
    programme = get_or_404_for(current_user, Programme, programme_id)
    sample = _sample_arg()
    form = InspectionForm(inspected_on=today()) if request.method == "GET" else InspectionForm()
    if request.method == "POST" and form.validate():
        done = commit_or_refuse(lambda: services.record_inspection(
            current_user, programme, kind=form.kind.data, result=form.result.data,
            inspected_on=form.inspected_on.data, method=form.method.data,
            findings=form.findings.data, photos=form.chosen_photos(), sample=sample),
            form=form, done="已登记检查结果，并已通知企业和培训机构。")
        if done:
            return redirect(view.url("inspection", inspection_id=done.value.id))
    parties = db.session.execute(
        sa.select(Enterprise.name.label("enterprise"), Institution.name.label("institution"),
                  Occupation.name.label("occupation"))
        .select_from(Programme)
        .join(Enterprise, Enterprise.id == Programme.enterprise_id)
        .join(Institution, Institution.id == Programme.institution_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.id == programme.id)).one()
    status = 422 if request.method == "POST" else 200
    return page_or_block(T + "record.html", "content", status_code=status, view=view,
                         programme=programme, parties=parties, sample=sample, form=form,
                         earlier=services.inspections_of(programme.id))


def new_inspection():
    """The district's "登记检查" box on its list: a programme number → that programme's form
    (which loads the programme in the district's scope: another district's is a 404)."""
    if not current_view(VIEWS).records:
        abort(404)
    programme_id = request.args.get("programme_id", type=db_int)
    if programme_id is None:  # nothing (or junk) asked: the list, where the box is
        return inspection_list()
    return redirect(VIEWS["district"].url("record_inspection", programme_id=programme_id))


_LIST = ("/inspections", "inspections", inspection_list, GET)
_DETAIL = ("/inspections/<int:inspection_id>", "inspection", inspection_detail, GET)

ROUTES: RouteTable = {
    "district": (
        _LIST, _DETAIL,
        ("/inspections/new", "new_inspection", new_inspection, GET),
        ("/inspection-samples", "inspection_samples", sample_list, GET_POST),
        ("/inspection-samples/<int:sample_id>", "inspection_sample", sample_detail, GET),
        ("/programmes/<int:programme_id>/inspections/new", "record_inspection",
         record_inspection, GET_POST),
    ),
    "center": (
        _LIST, _DETAIL,
        ("/inspection-samples", "inspection_samples", sample_list, GET),
        ("/inspection-samples/<int:sample_id>", "inspection_sample", sample_detail, GET),
    ),
    "enterprise": (_LIST, _DETAIL),
    "institution": (_LIST, _DETAIL),
}
