"""The district's summons form (AP-V2) and the fraud finding form (AP-V3)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.models import Referral
from portal.rules import rule_message
from portal.supervision.escalation import fraud, summons
from portal.web.validators import choices


class SummonsForm(FlaskForm):
    """AP-V2: 约谈 of the enterprise's head: date, attendees, reason, outcome."""

    held_on = DateField("约谈日期", validators=[DataRequired("请填写约谈日期")])
    attendees = StringField("参加约谈人员", validators=[
        DataRequired("请填写参加约谈人员"),
        Length(max=summons.ATTENDEES_MAX, message=f"不能超过{summons.ATTENDEES_MAX}字")],
        description="企业负责人及区人社局参加人员，以顿号分隔")
    reason = TextAreaField("约谈事由", validators=[
        DataRequired("请填写约谈事由"),
        Length(max=summons.TEXT_MAX, message=f"不能超过{summons.TEXT_MAX}字")],
        description=rule_message("AP-V2"))
    outcome = TextAreaField("约谈结果及整改要求", validators=[
        Optional(), Length(max=summons.TEXT_MAX, message=f"不能超过{summons.TEXT_MAX}字")])
    inspection_id = SelectField("关联检查记录（可选）", validators=[Optional()])

    def __init__(self, *args, inspections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection_id.choices = [("", "不关联")] + [
            (str(i.id), f"{i.inspected_on} {i.kind.label}：{i.result.label}")
            for i in inspections]


class NoteForm(FlaskForm):
    """整改到位 or 拒不整改，报市级: what the district found."""

    note = TextAreaField("情况说明", validators=[
        Optional(), Length(max=summons.NOTE_MAX, message=f"不能超过{summons.NOTE_MAX}字")])


class FraudForm(FlaskForm):
    """AP-V3: the finding, its date and the referral; recovery follows from the payments."""

    found_on = DateField("查实日期", validators=[DataRequired("请填写查实日期")])
    findings = TextAreaField("查实的骗取、套取补贴情况", validators=[
        DataRequired("请填写查处情况"),
        Length(max=fraud.FINDINGS_MAX, message=f"不能超过{fraud.FINDINGS_MAX}字")],
        description=rule_message("AP-V3"))
    referral = SelectField("移交情况", validators=[DataRequired("请选择移交情况")])
    referral_note = StringField("移交说明（可选）", validators=[
        Optional(), Length(max=fraud.NOTE_MAX, message=f"不能超过{fraud.NOTE_MAX}字")],
        description="接收机关、文号等")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral.choices = choices([(r.value, r.label) for r in Referral])
