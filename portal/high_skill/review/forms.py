"""Forms of the expert review (HS-W3); their validators call the rules, the services call
them again."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.high_skill.review import rubric
from portal.high_skill.review.services import OPINION_MAX, REASON_MAX
from portal.rules.high_skill import HS_SCORE_MAX, HS_SCORE_MIN, hs_score_problems
from portal.web.converters import db_int_or_none
from portal.web.validators import choices

SCORE_RANGE = f"评分须为{HS_SCORE_MIN}–{HS_SCORE_MAX}的整数（规则 HS-W3）"


def _score_in_range(_form, field) -> None:
    """HS-W3: one criterion's score, through the rule."""
    if field.data is not None and hs_score_problems([field.data]):
        raise ValidationError(SCORE_RANGE)


class _ScoreBase(FlaskForm):
    opinion = TextAreaField("评审意见", validators=[
        DataRequired("请填写评审意见（规则 HS-W3）"),
        Length(max=OPINION_MAX, message=f"评审意见不能超过{OPINION_MAX}字")])

    criterion_fields: tuple[tuple[str, object], ...] = ()

    def scores(self) -> dict[str, int]:
        return {str(c.id): getattr(self, name).data for name, c in self.criterion_fields}

    def criterion_rows(self):
        return [(getattr(self, name), c) for name, c in self.criterion_fields]


def score_form(criteria, *args, **kwargs) -> _ScoreBase:
    """HS-W3: one whole number per active criterion (the rubric is a centre setting, so the
    form's fields are made from it) and the opinion."""
    fields = {}
    for c in criteria:
        fields[f"c{c.id}"] = IntegerField(
            f"{c.label}（权重{c.weight}%）",
            validators=[InputRequired(f"请为“{c.label}”打分（规则 HS-W3）"), _score_in_range],
            description=c.guidance or None,
            render_kw={"min": HS_SCORE_MIN, "max": HS_SCORE_MAX, "inputmode": "numeric"})
    cls = type("ScoreForm", (_ScoreBase,), fields)
    cls.criterion_fields = tuple((f"c{c.id}", c) for c in criteria)
    return cls(*args, **kwargs)


class AssignForm(FlaskForm):
    expert_id = SelectField("评审专家", coerce=db_int_or_none, validate_choice=False,
                            validators=[DataRequired("请选择评审专家")])

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.expert_id.choices = choices([("", "请选择"), *experts])


class ApproveForm(FlaskForm):
    quota = IntegerField("核定研修人数", validators=[InputRequired("请填写核定研修人数")])
    comment = TextAreaField("立项意见（选填）", validators=[
        Optional(), Length(max=REASON_MAX, message=f"意见不能超过{REASON_MAX}字")])


class RejectForm(FlaskForm):
    reason = TextAreaField("不予立项理由", validators=[
        DataRequired("不予立项须填写理由（规则 C-REV）"),
        Length(max=REASON_MAX, message=f"理由不能超过{REASON_MAX}字")])


class CriterionEntry(Form):
    id = HiddenField()
    label = StringField("评分项", validators=[
        DataRequired("请填写评分项名称"),
        Length(max=rubric.LABEL_MAX, message=f"评分项名称不能超过{rubric.LABEL_MAX}字")])
    guidance = StringField("评分说明", validators=[
        Optional(),
        Length(max=rubric.GUIDANCE_MAX, message=f"评分说明不能超过{rubric.GUIDANCE_MAX}字")])
    weight = IntegerField("权重（%）", validators=[InputRequired("请填写权重")])
    sort_order = IntegerField("排序", default=0, validators=[
        Optional(), NumberRange(0, 9999, "排序须为0–9999的整数")])
    active = BooleanField("启用", default=True)


class RubricForm(FlaskForm):
    """HS-W3: the whole rubric in one form, because the active weights must sum to 100."""

    criteria = FieldList(FormField(CriterionEntry), min_entries=0)
    # A blank row to add a criterion; left empty it is ignored.
    new_label = StringField("新增评分项", validators=[
        Optional(), Length(max=rubric.LABEL_MAX,
                           message=f"评分项名称不能超过{rubric.LABEL_MAX}字")])
    new_guidance = StringField("新增评分项说明", validators=[
        Optional(), Length(max=rubric.GUIDANCE_MAX,
                           message=f"评分说明不能超过{rubric.GUIDANCE_MAX}字")])
    new_weight = IntegerField("新增评分项权重（%）", validators=[Optional()])

    def validate_new_weight(self, field):
        if (self.new_label.data or "").strip() and field.data is None:
            raise ValidationError("请填写新增评分项的权重")

    def rows(self) -> list[rubric.CriterionRow]:
        rows = [rubric.CriterionRow(db_int_or_none(e.form.id.data), e.form.label.data or "",
                                    e.form.guidance.data or "", e.form.weight.data,
                                    e.form.sort_order.data or 0, bool(e.form.active.data))
                for e in self.criteria]
        if (self.new_label.data or "").strip():
            last = max((r.sort_order for r in rows), default=0)
            rows.append(rubric.CriterionRow(None, self.new_label.data, self.new_guidance.data or "",
                                            self.new_weight.data, last + 10, True))
        return rows
