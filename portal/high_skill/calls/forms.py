"""The centre's call form (HS-W1): the same rule function the service calls again."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal import clock
from portal.high_skill.calls.services import CALL_FIELDS
from portal.rules.high_skill import HS_CALL_QUARTERS, hs_call_problems
from portal.web.validators import choices

# A year the integer column and the date widgets can hold; the rule says which are allowed.
_YEARS = NumberRange(min=2000, max=2999, message="请填写四位年度")


class CallForm(FlaskForm):
    year = IntegerField(CALL_FIELDS["year"], validators=[DataRequired("请填写年度"), _YEARS])
    quarter = SelectField(CALL_FIELDS["quarter"], coerce=int,
                          choices=choices((q, f"第{q}季度") for q in HS_CALL_QUARTERS),
                          validate_choice=False,  # an out-of-range quarter gets the rule's text
                          validators=[InputRequired("请选择季度")])
    title = StringField(CALL_FIELDS["title"],
                        validators=[DataRequired("请填写征集名称"), Length(max=120)])
    directions = TextAreaField(CALL_FIELDS["directions"],
                               validators=[DataRequired("请至少填写一个专业方向"),
                                           Length(max=4000)],
                               description="每行一个专业方向", render_kw={"rows": 6})
    opens_on = DateField(CALL_FIELDS["opens_on"], validators=[DataRequired("请填写开始日期")])
    closes_on = DateField(CALL_FIELDS["closes_on"], validators=[DataRequired("请填写截止日期")])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.year.errors or self.quarter.errors or self.opens_on.errors or self.closes_on.errors:
            return False
        # HS-W1 across fields, each reason beside the field it is about.
        for field, reason in hs_call_problems(self.year.data, self.quarter.data,
                                              self.opens_on.data, self.closes_on.data,
                                              clock.today()):
            self[field].errors.append(reason)
            ok = False
        return ok

    def call_fields(self) -> dict:
        return {name: self[name].data for name in CALL_FIELDS}
