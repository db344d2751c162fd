"""Opening a class session and attaching evidence (AP-P3)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.apprenticeship.training.attendance import EVIDENCE_LABEL, LATE_MAX_MINUTES, TITLE_MAX


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionForm(FlaskForm):
    programme_id = SelectField("培训项目", coerce=_int_or_none, validate_choice=False,
                               validators=[DataRequired("请选择培训项目")],
                               description="仅列出已通过审核、由本单位承担培训的项目")
    title = StringField("课堂名称", validators=[
        DataRequired("请填写课堂名称"), Length(max=TITLE_MAX, message=f"不超过{TITLE_MAX}字")],
        description="例如：车工工艺学 第3讲")
    starts_at = DateTimeLocalField("开始时间（北京时间）", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired("请填写开始时间")])
    late_after_minutes = IntegerField(
        "迟到判定（分钟）", default=10,
        validators=[InputRequired("请填写迟到判定分钟数"),
                    NumberRange(0, LATE_MAX_MINUTES, f"须为0–{LATE_MAX_MINUTES}之间的整数")],
        description="开始时间之后超过该分钟数签到的，记为迟到",
    )


class EvidenceForm(FlaskForm):
    photo = FileField("培训现场照片", validators=[FileRequired("请选择要上传的照片")],
                      description=f"{EVIDENCE_LABEL}，按文件内容识别类型")
