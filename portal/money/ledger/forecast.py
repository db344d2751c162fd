"""Forecast (补贴测算, issue 12 item 9, AP-$1..$4): for a planned cohort, what the programme
would receive, with the catalogue facts and parameters in force today (AP-P5, C-EFF)."""

import sqlalchemy as sa
from flask import request
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from portal import rules
from portal.apprenticeship.training.leave import today
from portal.catalogue import lookups as catalogues
from portal.catalogue.parameters import parameters_on
from portal.extensions import db
from portal.models import CatalogueKind, Occupation
from portal.web.converters import db_int_or_none
from portal.web.render import page_or_block
from portal.web.routes import RoleView, current_view
from portal.web.validators import choices

TEMPLATE = "money/forecast.html"
MAX_HEADCOUNT = 10_000
VIEWS = {"enterprise": RoleView(blueprint="enterprise")}  # enterprises plan cohorts


class ForecastForm(FlaskForm):
    """Read-only question (GET): no CSRF token, nothing is written."""

    class Meta:
        csrf = False

    occupation_id = SelectField("培训职业（工种）", coerce=db_int_or_none, validate_choice=False,
                                validators=[DataRequired("请选择培训职业（工种）")])
    level = SelectField("培训等级", validators=[DataRequired("请选择培训等级")],
                        choices=choices((lv, rules.LEVEL_LABELS[lv]) for lv in rules.TRAINABLE_LEVELS))
    headcount = IntegerField("计划培训人数", default=10, validators=[
        InputRequired("请填写计划培训人数"),
        NumberRange(1, MAX_HEADCOUNT, f"计划培训人数须为 1–{MAX_HEADCOUNT} 的整数")])

    def __init__(self, *args, occupations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.occupation_id.choices = choices([("", "请选择"), *occupations])
        self._allowed = {value for value, _label in occupations}

    def validate_occupation_id(self, field):
        if field.data not in self._allowed:
            raise ValidationError("请从列表中选择培训职业（工种）")


def forecast_for(occupation_id: int, level: str, headcount: int) -> dict:
    """AP-P5: the catalogue facts of today; AP-$1..$4 from the rules layer."""
    day = today()
    flags = catalogues.flags_for(occupation_id, day)
    urgent, in_scope = CatalogueKind.URGENT in flags, CatalogueKind.ASSESSMENT_SCOPE in flags
    result = rules.subsidy_forecast(level, urgent, in_scope, headcount, params=parameters_on(day))
    return {**result, "urgent": urgent, "in_scope": in_scope, "day": day,
            "prohibited": CatalogueKind.PROHIBITED in flags}


def forecast_page():
    occupations = [(o.id, f"{o.code} {o.name}") for o in db.session.scalars(
        sa.select(Occupation).order_by(Occupation.code))]
    form = ForecastForm(request.args if request.args else None, occupations=occupations)
    result = None
    if request.args and form.validate():
        result = forecast_for(form.occupation_id.data, form.level.data, form.headcount.data)
    return page_or_block(TEMPLATE, "result", view=current_view(VIEWS), form=form,
                         result=result)
