"""The centre's forms for audit firms, grants and audit results (AP-V4, HS-W10)."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal import rules
from portal.accounts.forms import NewPassword
from portal.models import Role
from portal.reference import DISTRICTS
from portal.supervision.audits import grants
from portal.web.converters import DB_INT_MAX
from portal.web.validators import RuleCheck, choices, normalise

YEAR_RANGE = NumberRange(min=grants.YEARS.start, max=grants.YEARS.stop - 1, message="年度无效")


class FirmForm(FlaskForm):
    name = StringField("机构名称", validators=[DataRequired("请填写机构名称"), Length(max=120)])
    credit_code = StringField("统一社会信用代码", filters=[normalise], validators=[
        DataRequired("请填写统一社会信用代码"),
        RuleCheck("C-ID2", rules.is_valid_credit_code)])
    district_code = SelectField("所在区", validators=[DataRequired("请选择所在区")])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=32)])
    contact_phone = StringField("联系电话", validators=[Optional(), Length(max=11)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_code.choices = choices([("", "请选择"), *DISTRICTS])


class AccountForm(FlaskForm):
    account_role = Role.AUDITOR  # NewPassword reads the role's minimum length
    firm_id = SelectField("第三方机构", coerce=int, validators=[DataRequired("请选择第三方机构")])
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    display_name = StringField("姓名", validators=[Optional(), Length(max=64)])
    password = PasswordField("初始密码", validators=[DataRequired("请填写初始密码"), NewPassword()],
                             description="审计人员首次登录时须修改密码")


class GrantForm(FlaskForm):
    firm_id = SelectField("第三方机构", coerce=int, validators=[DataRequired("请选择第三方机构")])
    programme_id = IntegerField("项目编号", validators=[Optional(), NumberRange(
        min=1, max=DB_INT_MAX, message="没有该编号的项目")],
                                description="授予单个项目时填写；与年度二选一")
    year = IntegerField("年度", validators=[Optional(), YEAR_RANGE],
                        description="授予该年度开班的全部已批准项目")
    expires_on = DateField("有效期至", validators=[Optional()], description="不填则长期有效，可随时撤销")
    note = StringField("备注", validators=[Optional(), Length(max=grants.NOTE_MAX)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and (self.programme_id.data is None) == (self.year.data is None):
            self.year.errors.append("请填写项目编号或年度（二者选一）")
            return False
        return ok


class ResultForm(FlaskForm):
    credit_code = StringField("被审计单位统一社会信用代码", filters=[normalise], validators=[
        DataRequired("请填写被审计单位的统一社会信用代码"),
        RuleCheck("C-ID2", rules.is_valid_credit_code)], description="企业或承办单位")
    year = IntegerField("审计年度", validators=[DataRequired("请填写审计年度"), YEAR_RANGE])
    firm_id = SelectField("审计机构", coerce=int, validators=[Optional()])
    passed = SelectField("审计结论", choices=choices([("1", "合格"), ("0", "不合格")]),
                         validators=[DataRequired("请选择审计结论")],
                         description=rules.rule_message("AP-V4"))
    audited_on = DateField("审计日期", validators=[DataRequired("请填写审计日期")])
    findings = TextAreaField("审计发现", validators=[Optional(), Length(max=2000)],
                             description="不合格的必填")
