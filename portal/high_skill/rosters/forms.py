"""Forms of the trainee list (HS-E1…E3, C-ID1, C-ID3), its import and a filed change (HS-W5).

Validators call portal.rules; the services check everything again (an import or a change
never passes through the trainee form, and HS-E3 needs the database).
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import rules
from portal.clock import today
from portal.high_skill.rosters import checks
from portal.high_skill.rosters.checks import TraineeData
from portal.models import TrainingMode
from portal.web.validators import RuleCheck, add_rule_errors, choices, normalise

# Where a rule's refusal shows on the trainee form.
RULE_FIELDS = {"HS-E1": "level", "HS-E2": "insured_months", "HS-E3": "resident_id"}
XLSX_ACCEPT = {"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class TraineeForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请填写学员姓名"),
                                         Length(max=checks.NAME_MAX)])
    resident_id = StringField(
        "居民身份证号码", filters=[normalise],
        validators=[DataRequired("请填写居民身份证号码"),
                    Length(max=18, message=rules.rule_message("C-ID1")),
                    RuleCheck("C-ID1", lambda v: rules.is_valid_resident_id(v, on=today()))],
        description="18位，末位可为X", render_kw={"autocomplete": "off", "maxlength": 18})
    phone = StringField(
        "手机号码", filters=[normalise],
        validators=[DataRequired("请填写手机号码"),
                    Length(max=11, message=rules.rule_message("C-ID3")),
                    RuleCheck("C-ID3", rules.is_valid_mobile)],
        description="备案后作为学员签到、提交总结的登录账号",
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 11})
    employer_name = StringField("工作单位", validators=[
        DataRequired("请填写工作单位"), Length(max=checks.TEXT_MAX["employer_name"])])
    post = StringField("工作岗位（生产服务一线）", validators=[
        DataRequired("请填写工作岗位"), Length(max=checks.TEXT_MAX["post"])])
    level = SelectField("职业资格 / 技能等级", choices=choices(checks.LEVEL_CHOICES),
                        default="technician")
    certificate_number = StringField("证书编号", validators=[
        DataRequired("请填写证书编号"), Length(max=checks.TEXT_MAX["certificate_number"])])
    key_industry = BooleanField("企业重点培养的高精尖、新兴产业人才（高级工可放宽）")
    key_industry_reason = StringField("放宽理由", validators=[
        Optional(), Length(max=checks.TEXT_MAX["key_industry_reason"])],
        description="勾选上一项时必填")
    insured_months = IntegerField(
        "开班前连续在京缴纳城镇职工社会保险月数",
        validators=[InputRequired("请填写月数"),
                    NumberRange(0, checks.INSURED_MONTHS_MAX, "请填写 0 以上的整数")])

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        if current is not None:
            # C-PII: an edit page never shows the stored numbers in full; empty keeps them,
            # a new value replaces them (as the apprenticeship's edit page does).
            for field, masked in ((self.resident_id, rules.mask_resident_id(current.resident_id)),
                                  (self.phone, rules.mask_mobile(current.phone))):
                if not self.is_submitted():
                    field.data = ""
                field.validators = [Optional(), *field.validators[1:]]
                field.flags.required = False
                field.description = f"已登记 {masked}；如需更正请输入完整号码，留空则不变"

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.key_industry.data and not (self.key_industry_reason.data or "").strip():
            self.key_industry_reason.errors.append(checks.KEY_INDUSTRY_REASON_NEEDED)
            ok = False
        if self.insured_months.data is not None and self.level.data in rules.LEVEL_LABELS:
            # HS-E3 needs the other rosters: the service checks it and it shows above the form.
            found = rules.hs_trainee_problems(self.level.data, self.key_industry.data,
                                              self.insured_months.data, [], 0)
            ok = add_rule_errors(self, RULE_FIELDS, found) and ok
        return ok

    def data_object(self) -> TraineeData:
        return TraineeData(
            name=self.name.data.strip(),
            resident_id=self.resident_id.data or (self.current.resident_id if self.current else ""),
            phone=self.phone.data or (self.current.phone if self.current else ""),
            employer_name=self.employer_name.data.strip(),
            post=self.post.data.strip(), level=self.level.data,
            certificate_number=self.certificate_number.data.strip(),
            key_industry=bool(self.key_industry.data),
            key_industry_reason=(self.key_industry_reason.data or "").strip()
            if self.key_industry.data else "",
            insured_months=self.insured_months.data)


class ImportForm(FlaskForm):
    file = FileField("研修学员名单 Excel 文件（.xlsx）", render_kw=XLSX_ACCEPT)


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChangeForm(FlaskForm):
    """HS-W5: the plan as it should be after the change, who leaves, who joins, and why."""

    reason = TextAreaField("变更理由", validators=[DataRequired("请说明变更理由（规则 HS-W5）"),
                                               Length(max=500)])
    starts_on = DateField("开班日期", validators=[DataRequired("请填写开班日期")])
    ends_on = DateField("结束日期", validators=[DataRequired("请填写结束日期")])
    mode = SelectField("研修方式", choices=choices((m.value, m.label) for m in TrainingMode))
    venue = StringField("研修地点", validators=[Length(max=200)])
    hours_onsite = IntegerField("现场教学学时", validators=[InputRequired(), NumberRange(0, 2000)])
    hours_keynote = IntegerField("专题讲座学时", validators=[InputRequired(), NumberRange(0, 2000)])
    hours_seminar = IntegerField("研讨学时", validators=[InputRequired(), NumberRange(0, 2000)])
    hours_exchange = IntegerField("技艺交流学时", validators=[InputRequired(), NumberRange(0, 2000)])
    hours_visit = IntegerField("参观考察学时", validators=[InputRequired(), NumberRange(0, 2000)])
    hours_online = IntegerField("线上学习学时", validators=[InputRequired(), NumberRange(0, 2000)])
    teachers = TextAreaField("授课教师（每行一位：姓名｜类别｜职称｜单位｜专题）",
                             validators=[Length(max=5000)])
    remove = MultiCheckbox("移出名单的学员", coerce=int, validate_choice=True)
    additions = FileField("新增学员（可选，Excel，使用名单导入模板）", render_kw=XLSX_ACCEPT)
