"""Performance evaluation pages (AP-V4): the list and the score sheet for districts (their
own enterprises, C-DIST) and the centre; the centre's indicator list."""

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import Evaluation, EvaluationIndicator, EvaluationScore, Organisation
from portal.rules import EVALUATION_BANDS, rule_message
from portal.supervision.evaluations import services
from portal.supervision.evaluations.access import (
    LEVEL_LABELS,
    evaluable_orgs,
    evaluations_for,
    indicators_for,
)
from portal.supervision.evaluations.forms import IndicatorForm, evaluation_form
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int
from portal.web.pagination import paginate, paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, GET_POST

T = "supervision/evaluations/"
Evaluated = aliased(Organisation, name="evaluated")
CONCLUSIONS = tuple(c for _low, c in EVALUATION_BANDS)


def _bp(name: str) -> str:
    return f"{request.blueprint}.{name}"


def evaluation_list():
    year = request.args.get("year", type=int)
    conclusion = request.args.get("conclusion", "")
    q = (evaluations_for(current_user).add_columns(Evaluated.name.label("org_name"))
         .join(Evaluated, Evaluated.id == Evaluation.organisation_id))
    if year is not None and 2015 <= year <= 2099:
        q = q.where(Evaluation.year == year)
    else:
        year = None
    if conclusion in CONCLUSIONS:
        q = q.where(Evaluation.conclusion == conclusion)
    else:
        conclusion = ""
    page = paginate_rows(q.order_by(Evaluation.year.desc(), Evaluation.id.desc()))
    return page_or_block(T + "list.html", "results", page=page, year=year,
                         conclusion=conclusion, conclusions=CONCLUSIONS, bp=_bp,
                         level_labels=LEVEL_LABELS, bands=EVALUATION_BANDS)


def score_sheet():
    """GET: an empty sheet (or one for ?org_id=&year=, to re-score); POST: save it."""
    indicators = services.active_indicators()
    form = evaluation_form(indicators)
    if request.method == "GET":
        org = db.session.scalar(evaluable_orgs(current_user).where(
            Organisation.id == request.args.get("org_id", type=db_int, default=0)))
        if org is not None:
            form.credit_code.data = org.credit_code
        form.year.data = request.args.get("year", type=int) if org else None
    elif form.validate_on_submit():
        org = db.session.scalar(evaluable_orgs(current_user).where(
            Organisation.credit_code == form.credit_code.data))
        if org is None:
            # C-DIST: another district's enterprise looks like no enterprise at all.
            form.credit_code.errors.append("本辖区没有该统一社会信用代码的企业或承办单位")
        else:
            scores = {i.id: getattr(form, f"score_{i.id}").data for i in indicators}
            done = commit_or_refuse(lambda: services.evaluate(
                current_user, org, year=form.year.data, scores=scores,
                comment=form.comment.data or ""), done="绩效评价已保存。", form=form)
            if done:
                return redirect(url_for(_bp("evaluation"), evaluation_id=done.value.id))
    status = 422 if request.method == "POST" else 200
    return page_or_block(T + "score.html", "content", status_code=status, form=form,
                         indicators=indicators, bands=EVALUATION_BANDS, bp=_bp,
                         rule=rule_message("AP-V4"))


def evaluation(evaluation_id: int):
    row = get_or_404_for(current_user, Evaluation, evaluation_id)
    org = db.session.get(Organisation, row.organisation_id)
    scores = db.session.execute(
        sa.select(EvaluationIndicator, EvaluationScore.score)
        .join(EvaluationScore, EvaluationScore.indicator_id == EvaluationIndicator.id)
        .where(EvaluationScore.evaluation_id == row.id)
        .order_by(EvaluationIndicator.position, EvaluationIndicator.id)).all()
    return page_or_block(T + "detail.html", "content", e=row, org=org, scores=scores, bp=_bp,
                         level_labels=LEVEL_LABELS, rule=rule_message("AP-V4"))


# --- The centre's indicator list -----------------------------------------------------------


def _indicators_page(form, status_code=200):
    page = paginate(indicators_for(current_user)
                    .order_by(EvaluationIndicator.position, EvaluationIndicator.id))
    full = sum(i.max_score for i in services.active_indicators())
    return page_or_block(T + "indicators.html", "results", status_code=status_code, page=page,
                         form=form, full=full)


def _save(form, indicator=None):
    return commit_or_refuse(lambda: services.save_indicator(
        current_user, indicator, code=form.code.data, name=form.name.data,
        max_score=form.max_score.data, position=form.position.data or 0,
        active=bool(form.active.data)), done="评价指标已保存。", form=form)


def indicator_list():
    form = IndicatorForm()
    if request.method == "POST":
        if form.validate_on_submit() and _save(form):
            return redirect(url_for("center.evaluation_indicators"))
        return _indicators_page(form, 422)
    return _indicators_page(form)


def indicator(indicator_id: int):
    row = get_or_404_for(current_user, EvaluationIndicator, indicator_id, "edit")
    form = IndicatorForm(obj=row)
    if form.validate_on_submit() and _save(form, row):
        return redirect(url_for("center.evaluation_indicators"))
    return page_or_block(T + "indicator.html", "content",
                         status_code=422 if request.method == "POST" else 200,
                         form=form, row=row)


_SHARED = (
    ("/evaluations", "evaluations", evaluation_list, GET),
    ("/evaluations/score", "evaluation_score", score_sheet, GET_POST),
    ("/evaluations/<int:evaluation_id>", "evaluation", evaluation, GET),
)
ROUTES = {
    "district": _SHARED,
    "center": (
        *_SHARED,
        ("/evaluations/indicators", "evaluation_indicators", indicator_list, GET_POST),
        ("/evaluations/indicators/<int:indicator_id>", "evaluation_indicator", indicator,
         GET_POST),
    ),
}
