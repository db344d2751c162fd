"""Forms of funds, payments and repayments (AP-$5, AP-$4); amounts are whole yuan (C-MONEY).

`YuanField` keeps what was typed and lets `rules.yuan_problem` say why it is not an amount:
a negative, fractional ("12.5") or non-numeric entry is refused in Chinese, never rounded.
"""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields import IntegerField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal import rules
from portal.clock import today
from portal.money import funds, payments, recoveries
from portal.web.validators import choices


class YuanField(StringField):
    """A whole-yuan amount: `.data` is the typed text, `.amount` the int once it validates."""

    def __init__(self, label=None, validators=None, *, positive: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.positive = positive

    @property
    def amount(self) -> int | None:
        return rules.parse_yuan(self.data, positive=self.positive)

    def pre_validate(self, form):
        if self.data in (None, ""):
            raise ValidationError("请填写金额（整数元）")
        problem = rules.yuan_problem(str(self.data), positive=self.positive)
        if problem:
            raise ValidationError(problem)


class NotInFuture:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, _form, field):
        if field.data is not None and field.data > today():
            raise ValidationError(self.message)


def _voucher(label: str, limit: int = payments.VOUCHER_MAX):
    return StringField(label, validators=[
        DataRequired(f"请填写{label}"), Length(max=limit, message=f"{label}不能超过{limit}个字符")])


class FundForm(FlaskForm):
    """AP-$5: a fund's available amount for a year."""

    year = IntegerField("年度", validators=[
        DataRequired("请填写年度"),
        NumberRange(funds.YEAR_MIN, funds.YEAR_MAX,
                    f"年度须在{funds.YEAR_MIN}–{funds.YEAR_MAX}之间")])
    source = SelectField("资金来源", validators=[DataRequired("请选择资金来源")],
                         description=rules.rule_message("AP-$5"))
    available = YuanField("可用额度（元）", description="整数元，不能低于已拨付金额")
    note = StringField("说明", validators=[Optional(), Length(
        max=funds.NOTE_MAX, message=f"说明不能超过{funds.NOTE_MAX}字")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = choices([(s.value, s.label) for s in funds.SOURCES])


class PaymentForm(FlaskForm):
    """AP-$5: the payment record of one approved claim; the amount is the claim's own."""

    paid_on = DateField("拨付日期", validators=[DataRequired("请填写拨付日期"),
                                                NotInFuture("拨付日期不能晚于今天")])
    voucher_no = _voucher("拨付凭证号")


class RepaymentForm(FlaskForm):
    """AP-$4: money paid back against a recovery order."""

    amount = YuanField("还款金额（元）", positive=True, description="整数元，不超过待追回金额")
    paid_on = DateField("还款日期", validators=[DataRequired("请填写还款日期"),
                                                NotInFuture("还款日期不能晚于今天")])
    voucher_no = _voucher("缴款凭证号", recoveries.VOUCHER_MAX)
