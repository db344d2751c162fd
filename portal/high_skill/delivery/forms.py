"""Forms of delivery: a session (HS-P4 format and hours), a work summary (HS-P5), the
assessment (HS-W7, annex 2) and the completion filing (HS-W8)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.apprenticeship.training.attendance import LATE_MAX_MINUTES, TITLE_MAX
from portal.core import files as documents
from portal.high_skill.delivery.assessment import COMMENT_MAX, FAIL, PASS, SCORE_LABELS
from portal.high_skill.delivery.completion import SUMMARY_MAX
from portal.high_skill.delivery.sessions import HOURS_MAX
from portal.high_skill.delivery.summaries import SUMMARY_MEDIA
from portal.rules.high_skill import (
    HS_ASSESSMENT_CRITERIA,
    HS_PROJECT_SUMMARY_MIN_CHARS,
    HS_SESSION_FORMATS,
)
from portal.web.validators import choices


class HsSessionForm(FlaskForm):
    title = StringField("课堂名称", validators=[
        DataRequired("请填写课堂名称"), Length(max=TITLE_MAX, message=f"不超过{TITLE_MAX}字")],
        description="例如：数控加工新工艺专题讲座")
    hs_format = SelectField("研修形式", choices=choices(HS_SESSION_FORMATS.items()),
                            validators=[DataRequired("请选择研修形式")],
                            description="对应实施方案中各形式的计划学时（规则 HS-P4）")
    hs_hours = IntegerField("学时", default=4, validators=[
        InputRequired("请填写学时"), NumberRange(1, HOURS_MAX, f"须为1–{HOURS_MAX}之间的整数")])
    starts_at = DateTimeLocalField("开始时间（北京时间）", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired("请填写开始时间")])
    late_after_minutes = IntegerField(
        "迟到判定（分钟）", default=10,
        validators=[InputRequired("请填写迟到判定分钟数"),
                    NumberRange(0, LATE_MAX_MINUTES, f"须为0–{LATE_MAX_MINUTES}之间的整数")],
        description="开始时间之后超过该分钟数签到的，记为迟到")


class SummaryForm(FlaskForm):
    summary = FileField("研修工作总结", validators=[FileRequired("请选择要上传的工作总结文件")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limits are configuration, read when the form is built.
        self.summary.description = documents.upload_hint(SUMMARY_MEDIA)
        self.summary.render_kw = {"accept": ",".join(m.accept for m in SUMMARY_MEDIA)}


_CHOICES = ((PASS, SCORE_LABELS[PASS]), (FAIL, SCORE_LABELS[FAIL]))


def _score_field(label: str) -> RadioField:
    return RadioField(label, choices=choices(_CHOICES), coerce=int,
                      validators=[InputRequired(f"请评定“{label}”")])


def _comment_field(label: str) -> StringField:
    return StringField(f"{label}说明（选填）", validators=[
        Optional(), Length(max=COMMENT_MAX, message=f"不超过{COMMENT_MAX}字")])


class AssessmentForm(FlaskForm):
    """Annex 2: the four criteria, each with an optional comment."""

    score_attendance = _score_field(HS_ASSESSMENT_CRITERIA["attendance"])
    comment_attendance = _comment_field(HS_ASSESSMENT_CRITERIA["attendance"])
    score_attitude = _score_field(HS_ASSESSMENT_CRITERIA["attitude"])
    comment_attitude = _comment_field(HS_ASSESSMENT_CRITERIA["attitude"])
    score_participation = _score_field(HS_ASSESSMENT_CRITERIA["participation"])
    comment_participation = _comment_field(HS_ASSESSMENT_CRITERIA["participation"])
    score_summary = _score_field(HS_ASSESSMENT_CRITERIA["summary"])
    comment_summary = _comment_field(HS_ASSESSMENT_CRITERIA["summary"])

    def pairs(self):
        """(score field, comment field) per criterion, in annex order."""
        return [(self[f"score_{k}"], self[f"comment_{k}"]) for k in HS_ASSESSMENT_CRITERIA]

    def scores(self) -> dict[str, int]:
        return {k: self[f"score_{k}"].data for k in HS_ASSESSMENT_CRITERIA}

    def comments(self) -> dict[str, str]:
        return {k: self[f"comment_{k}"].data or "" for k in HS_ASSESSMENT_CRITERIA}


class CompletionForm(FlaskForm):
    summary = TextAreaField(
        "研修培训工作总结", validators=[Length(max=SUMMARY_MAX, message=f"不超过{SUMMARY_MAX}字")],
        description=f"不少于 {HS_PROJECT_SUMMARY_MIN_CHARS} 字；或上传总结文件（规则 HS-W8）",
        render_kw={"rows": 8})
    summary_file = FileField("总结文件（选填）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.summary_file.description = documents.upload_hint()
        self.summary_file.render_kw = {"accept": documents.ACCEPT_ATTRIBUTE}
