"""Forms of the performance evaluation (AP-V4): the centre's indicators, and the score sheet
with one field per active indicator, each checked by `rules.evaluation_score_problems`."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import rules
from portal.web.validators import RuleCheck, normalise

YEAR_RANGE = NumberRange(min=2015, max=2099, message="年度无效")


class IndicatorForm(FlaskForm):
    code = StringField("指标编号", validators=[DataRequired("请填写指标编号"), Length(max=32)])
    name = StringField("指标名称", validators=[DataRequired("请填写指标名称"), Length(max=120)])
    max_score = IntegerField("满分", validators=[InputRequired("请填写满分"), NumberRange(
        min=1, max=100, message="满分须在1至100分之间")])
    position = IntegerField("排序", default=0, validators=[Optional(), NumberRange(
        min=0, max=999, message="排序须在0至999之间")])
    active = BooleanField("启用", default=True)


class _Score:
    def __init__(self, max_score: int):
        self.max_score = max_score

    def __call__(self, _form, field):
        problem = rules.evaluation_score_problems(field.data, self.max_score)
        if problem and field.data is not None:
            raise ValidationError(problem)


class EvaluationForm(FlaskForm):
    credit_code = StringField("被评价单位统一社会信用代码", filters=[normalise], validators=[
        DataRequired("请填写被评价单位的统一社会信用代码"),
        RuleCheck("C-ID2", rules.is_valid_credit_code)])
    year = IntegerField("评价年度", validators=[InputRequired("请填写评价年度"), YEAR_RANGE])
    comment = TextAreaField("评价意见", validators=[Optional(), Length(max=2000)])

    def score_fields(self):
        return [getattr(self, name) for name in self._score_names]


def evaluation_form(indicators, **kwargs) -> EvaluationForm:
    """A score sheet for `indicators` (the active list, in order)."""

    class Sheet(EvaluationForm):
        _score_names = [f"score_{i.id}" for i in indicators]

    for i in indicators:
        setattr(Sheet, f"score_{i.id}", IntegerField(
            f"{i.code} {i.name}（满分{i.max_score}分）",
            validators=[InputRequired("请填写得分"), _Score(i.max_score)]))
    return Sheet(**kwargs)
