"""Forms of the centre's catalogue and parameter pages (AP-P5, AP-$1 …)."""

import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal import rules
from portal.catalogue.admin import value_range
from portal.catalogue.lookups import CODE_HINT, NAME_MAX, today
from portal.catalogue.sheets import MAX_ROWS
from portal.extensions import db
from portal.models import Occupation
from portal.rules.messages import BACKDATE_NEEDS_REASON
from portal.rules.parameters import backdating_problems
from portal.web.validators import choices

_DATE_ERROR = "请填写有效日期（年-月-日）"


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; no `required` flag, so browsers do not demand every box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _at_least_one(message: str):
    def check(_form, field):
        if not field.data:
            raise ValidationError(message)

    return check


def _code_format(_form, field):
    if field.data and not rules.is_valid_occupation_code(field.data):
        raise ValidationError(CODE_HINT)


def _code_unused(_form, field):
    if field.data and db.session.scalar(
        sa.select(sa.exists().where(Occupation.code == field.data))
    ):
        raise ValidationError(f"编码 {field.data} 已在职业目录中")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _name_field():
    return StringField("职业（工种）名称", filters=[_strip], validators=[
        DataRequired("请填写职业（工种）名称"),
        Length(max=NAME_MAX, message=f"名称不能超过 {NAME_MAX} 个字")])


def _levels_field():
    return CheckboxesField("等级", choices=choices(rules.LEVEL_LABELS.items()),
                           validators=[_at_least_one("请至少选择一个等级")])


class OccupationEditForm(FlaskForm):
    name = _name_field()
    levels = _levels_field()


class OccupationForm(FlaskForm):
    code = StringField(
        "职业（工种）编码",
        filters=[lambda v: rules.normalise_occupation_code(v) if isinstance(v, str) else v],
        validators=[DataRequired("请填写职业（工种）编码"), _code_format, _code_unused],
        description=CODE_HINT,
    )
    name = _name_field()
    levels = _levels_field()


class ListVersionForm(FlaskForm):
    """AP-P5: a whole list, in force from its effective date until the next version."""

    effective_from = DateField("生效日期", validators=[DataRequired(_DATE_ERROR)],
                               description="不能早于今天；已生效的版本不能修改")
    note = StringField("版本说明（如文件文号）", filters=[_strip],
                       validators=[Length(max=200, message="说明不能超过 200 个字")])
    occupation_ids = CheckboxesField("列入本目录的职业（工种）", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.execute(sa.select(Occupation.id, Occupation.code, Occupation.name,
                                            Occupation.is_demo).order_by(Occupation.code))
        self.occupation_ids.choices = choices(
            (i, f"{code} {name}" + ("（演示数据）" if demo else ""))
            for i, code, name, demo in rows)


class OccupationImportForm(FlaskForm):
    file = FileField(
        "Excel 文件（.xlsx）", validators=[FileRequired("请选择要上传的 Excel 文件")],
        render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        description=f"只接受 .xlsx；不超过 {MAX_ROWS} 行；不得含公式")


class ListImportForm(OccupationImportForm):
    effective_from = DateField("生效日期", validators=[DataRequired(_DATE_ERROR)],
                               description="不能早于今天；已生效的版本不能修改")
    note = StringField("版本说明（如文件文号）", filters=[_strip],
                       validators=[Length(max=200, message="说明不能超过 200 个字")])


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


def _reason_required(form, field):
    """C-EFF: every value states its reason; a back-dated one is told which rule asks."""
    if field.data:
        return
    effective_from = form.effective_from.data
    if effective_from and backdating_problems(effective_from, "", today()):
        raise StopValidation(BACKDATE_NEEDS_REASON)
    raise StopValidation("请填写调整理由")


_reason_required.field_flags = {"required": True}


class ParameterValueForm(FlaskForm):
    """AP-$1, AP-$2, AP-E6, AP-P4, HS-P2, HS-$1: a new effective-dated value."""

    key = SelectField("政策参数", choices=choices(
        (spec.key, f"{spec.label}（{spec.rule_id}）") for spec in rules.PARAMETERS))
    value = IntegerField("新数值", validators=[InputRequired("请填写整数数值")])
    effective_from = DateField("生效日期", validators=[DataRequired(_DATE_ERROR)],
                               description="可早于今天（补录已施行的数值，须说明理由）；"
                                           "已施行的数值不能改写")
    note = StringField("调整理由（如政策文件文号）", filters=[_strip], validators=[
        _reason_required, Length(max=200, message="理由不能超过 200 个字")])

    def validate_value(self, field):
        if field.data is None or self.key.data not in rules.DEFAULTS:
            return  # the key's own error says what is wrong
        low, high = value_range(self.key.data)
        if not low <= field.data <= high:
            raise ValidationError(f"应为 {low} 至 {high} 之间的整数")
