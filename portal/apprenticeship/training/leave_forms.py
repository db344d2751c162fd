"""Forms of leave (请假/销假, AP-P2); the date checks are the service's, asked twice."""

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.apprenticeship.training import leave


class LeaveRequestForm(FlaskForm):
    start_date = DateField("开始日期", validators=[DataRequired("请填写开始日期")])
    end_date = DateField("结束日期（含当天）", validators=[DataRequired("请填写结束日期")],
                         description=f"单次请假最长{leave.MAX_LEAVE_DAYS}天")
    reason = TextAreaField("请假原因", validators=[
        DataRequired("请填写请假原因"),
        Length(max=leave.REASON_MAX, message=f"请假原因不能超过{leave.REASON_MAX}字"),
    ])

    def validate_end_date(self, field):
        if self.start_date.data is None or field.data is None:
            return
        for problem in leave.date_problems(self.start_date.data, field.data):
            raise ValidationError(problem)


class ReportBackForm(FlaskForm):
    returned_on = DateField("返岗日期", validators=[DataRequired("请填写返岗日期")])
