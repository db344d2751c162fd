"""Recording completed hours (AP-C4); the sanity limits come from services.credits."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.apprenticeship.training import credits
from portal.web.converters import db_int
from portal.web.validators import choices


class CreditForm(FlaskForm):
    """Hours of one day, for one apprentice (the page's) or for the ticked apprentices."""

    course_type = SelectField("课程类别", choices=choices(credits.COURSE_TYPES.items()),
                              validators=[DataRequired("请选择课程类别")])
    mode = SelectField("培训形式", choices=choices(credits.MODES.items()),
                       validators=[DataRequired("请选择培训形式")])
    hours = IntegerField(
        "课时数", validators=[InputRequired("请填写课时数"),
                              NumberRange(1, credits.MAX_HOURS_PER_DAY, credits.HOURS_MESSAGE)],
        description=f"当天完成的课时，1–{credits.MAX_HOURS_PER_DAY}的整数；每10课时计1学分",
    )
    on_day = DateField("培训日期", validators=[DataRequired("请填写培训日期")])
    note = StringField("备注", validators=[Length(max=credits.NOTE_MAX_LENGTH)])
    enrolment_ids = SelectMultipleField("学徒", coerce=db_int, validate_choice=False)

    def __init__(self, *args, default_mode: str = "centralised", **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.mode.data = default_mode
            self.on_day.data = self.on_day.data or credits.today()
