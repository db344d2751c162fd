"""The centre's check form (HS-W10, HS-$2). Claims have no amount field: HS-$1 computes it."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.clock import today
from portal.high_skill.funding import checks
from portal.models import CheckKind, CheckResult
from portal.rules import rule_message
from portal.web.validators import choices


class CheckForm(FlaskForm):
    """HS-W10: a spot check or third-party audit; 查实弄虚作假 entails HS-$2."""

    kind = SelectField("检查方式", validators=[DataRequired("请选择检查方式")])
    checked_on = DateField("检查日期", validators=[DataRequired("请填写检查日期")])
    auditor = StringField("检查人或审计机构", validators=[Optional(), Length(
        max=checks.AUDITOR_MAX, message=f"不能超过{checks.AUDITOR_MAX}字")],
        description="第三方审计须填写审计机构名称")
    result = SelectField("检查结论", validators=[DataRequired("请选择检查结论")],
                         description=rule_message("HS-$2"))
    findings = TextAreaField("检查发现", validators=[Optional(), Length(
        max=checks.FINDINGS_MAX, message=f"不能超过{checks.FINDINGS_MAX}字")],
        description="发现问题或查实弄虚作假的必填")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([(k.value, k.label) for k in CheckKind])
        self.result.choices = choices([(r.value, r.label) for r in CheckResult])

    def validate_checked_on(self, field):
        if field.data and field.data > today():
            raise ValidationError("检查日期不能晚于今天")

    def validate_auditor(self, field):
        if self.kind.data == CheckKind.THIRD_PARTY_AUDIT and not (field.data or "").strip():
            raise ValidationError("第三方审计须填写审计机构（规则 HS-W10）")

    def validate_findings(self, field):
        if self.result.data != CheckResult.CLEAR and not (field.data or "").strip():
            raise ValidationError(checks.FINDINGS_REQUIRED)
