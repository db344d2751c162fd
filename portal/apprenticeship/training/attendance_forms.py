"""Opening a class session, attaching evidence (AP-P3), and the check-in code and location
check (AP-P1)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from portal.apprenticeship.training.attendance import (
    EVIDENCE_LABEL,
    EVIDENCE_MEDIA,
    LATE_MAX_MINUTES,
    TITLE_MAX,
)
from portal.apprenticeship.training.presence import CODE_DIGITS, normalise_code
from portal.clock import to_beijing
from portal.core import files as documents
from portal.rules import RADIUS_MAX_M, RADIUS_MIN_M
from portal.web.converters import db_int_or_none as _int_or_none


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
    photo = FileField("培训现场照片或视频", validators=[FileRequired("请选择要上传的照片或视频")],
                      description=f"{EVIDENCE_LABEL}，按文件内容识别类型")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limits are configuration, read when the form is built.
        self.photo.description = documents.upload_hint(EVIDENCE_MEDIA)
        self.photo.render_kw = {"accept": ",".join(m.accept for m in EVIDENCE_MEDIA)}


class CheckInCodeForm(FlaskForm):
    """AP-P1: the camera failed: the 6-digit code beside the QR code, for one of the trainee's
    open sessions (a single one travels as a hidden field)."""

    session_id = RadioField("课堂", coerce=_int_or_none, validate_choice=False,
                            validators=[DataRequired("请选择要签到的课堂")])
    code = StringField("签到码", filters=[normalise_code], validators=[
        DataRequired("请输入老师屏幕上的6位签到码"),
        Regexp(rf"^\d{{{CODE_DIGITS}}}$", message=f"签到码为{CODE_DIGITS}位数字")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code",
                   "maxlength": CODE_DIGITS + 2, "pattern": r"[0-9 ]*"},
        description="老师屏幕上二维码旁的6位数字，每30秒更新")

    def offer(self, sessions) -> "CheckInCodeForm":
        """The sessions to choose from (the page shows them; any session the trainee may see
        is accepted, so a POST needs no list)."""
        self.session_id.choices = [(s.id, f"{s.title}（{to_beijing(s.starts_at):%H:%M}）")
                                   for s in sessions]
        if len(self.session_id.choices) == 1 and self.session_id.data is None:
            self.session_id.data = self.session_id.choices[0][0]
        # AP-P1: the browser is asked for its position only for a session that checks it.
        self.locate = any(s.radius_m is not None for s in sessions)
        return self


class LocationCheckForm(FlaskForm):
    """AP-P1: the teacher turns on the location check; the browser fills in where it is."""

    radius_m = IntegerField("签到范围（米）", validators=[
        InputRequired("请填写签到范围"),
        NumberRange(RADIUS_MIN_M, RADIUS_MAX_M, f"须为{RADIUS_MIN_M}–{RADIUS_MAX_M}米")],
        description="以本机当前位置为中心；范围外或未提供位置的签到会被标记，不会被拒绝")
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
