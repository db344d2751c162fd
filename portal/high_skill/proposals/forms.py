"""The annex-1 form (HS-W2) and the teacher row (HS-P3); the plan's rules come from
`services.plan_problems`, so the form and the submission refuse the same things."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import clock, rules
from portal.high_skill.proposals import services
from portal.models import HsCall, TeacherKind, TrainingMode
from portal.web.validators import add_rule_errors, choices

# Where each refused rule is shown on the form.
RULE_FIELDS = {
    "HS-H3": "attests_no_subcontracting",
    "HS-P1": "occupations",
    "HS-P2": "class_size",
    "HS-P3": "content_new",
    "HS-P4": "hours_reason",
    "HS-W6": "ends_on",
}

def _text(value):
    """Browsers send a textarea's line breaks as CRLF: keep plain lines, no edge blanks."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


TEXT = [_text]

HOURS = [InputRequired("请填写学时（没有则填0）"),
         NumberRange(0, 2000, "学时须为0–2000之间的整数")]
def _hours(name: str) -> IntegerField:
    return IntegerField(f"{services.HOURS_LABELS[name]}（学时）", validators=HOURS, default=0,
                        render_kw={"class": "hs-hours", "inputmode": "numeric", "min": 0})


class ProposalForm(FlaskForm):
    title = StringField("项目名称", validators=[DataRequired("请填写项目名称"), Length(max=120)])
    direction = SelectField("专业方向", validate_choice=False,
                            validators=[DataRequired("请选择专业方向")])
    occupations = TextAreaField(
        filters=TEXT, label="涉及职业（工种）", validators=[Length(max=2000)],
        description="每行一个，可写职业编码和名称；可含一个或多个相关相近职业（工种）")
    objectives = TextAreaField("研修目标", filters=TEXT,
                               validators=[DataRequired("请填写研修目标"), Length(max=4000)])
    content_new = TextAreaField(
        filters=TEXT, label="研修内容：新知识、新技术、新技能、新工艺", validators=[Length(max=8000)])
    content_problems = TextAreaField(
        filters=TEXT, label="拟研讨解决的生产实践技术和工艺难题", validators=[Length(max=8000)])
    mode = SelectField("组织方式", choices=choices((m.value, m.label) for m in TrainingMode))
    hours_onsite = _hours("hours_onsite")
    hours_keynote = _hours("hours_keynote")
    hours_seminar = _hours("hours_seminar")
    hours_exchange = _hours("hours_exchange")
    hours_visit = _hours("hours_visit")
    hours_online = _hours("hours_online")
    hours_reason = TextAreaField(
        filters=TEXT, label="学时低于一般要求的理由", validators=[Length(max=2000)],
        description="累计学时或研讨、交流学时低于一般要求时必填；评审专家和市就业促进中心将看到提示")
    planned_trainees = IntegerField("计划研修人数", validators=[
        InputRequired("请填写计划研修人数"), NumberRange(1, 10000, "人数须为1–10000之间的整数")])
    class_size = IntegerField("每班人数", validators=[
        InputRequired("请填写每班人数"), NumberRange(0, 10000, "人数须为0–10000之间的整数")],
        description=rules.rule_message("HS-P2"))
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期")])
    ends_on = DateField("结束日期", validators=[DataRequired("请填写结束日期")],
                        description=rules.rule_message("HS-W6"))
    venue = StringField("研修地点", validators=[Optional(), Length(max=200)])
    attests_no_subcontracting = BooleanField(
        "本单位承诺自行组织实施，不转包、分包研修项目（规则 HS-H3）")

    def __init__(self, call: HsCall, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.direction.choices = choices(
            [("", "请选择")] + [(d, d) for d in call.direction_list])

    def plan_data(self) -> dict:
        return {name: self[name].data for name in services.PLAN_FIELDS}

    def hours(self) -> services.HoursCheck:
        """HS-P4 of what is typed now (the live check and the page agree)."""
        return services.hours_check({name: self[name].data for name in services.HOURS_FIELDS})

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("结束日期不能早于开始日期")
            return False
        problems = services.plan_problems(self.plan_data(), self.call.year, clock.today())
        return add_rule_errors(self, RULE_FIELDS, problems)


class TeacherForm(FlaskForm):
    """HS-P3: one teacher of the plan (built with prefix="teacher": it sits beside the plan's
    form on one page, so its ids and names must differ)."""

    name = StringField("姓名", validators=[DataRequired("请填写教师姓名"), Length(max=32)])
    kind = SelectField("教师类别", choices=choices((k.value, k.label) for k in TeacherKind))
    title = StringField("职称或技能等级", validators=[Optional(), Length(max=64)])
    employer = StringField("工作单位", validators=[Optional(), Length(max=120)])
    topic = StringField("授课内容", validators=[Optional(), Length(max=200)])

    def teacher_data(self) -> dict:
        return {name: self[name].data for name in services.TEACHER_FIELDS}
