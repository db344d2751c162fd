"""The C-REV decision form used at every review step."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms.validators import choices
from portal.services.review import Decision


class ReviewForm(FlaskForm):
    decision = RadioField(
        "审核结论",
        choices=choices((d.value, d.label) for d in Decision),
        validators=[DataRequired("请选择审核结论")],
    )
    comment = TextAreaField("审核意见", validators=[Length(max=1000)])

    def validate_comment(self, field):
        if self.decision.data in (Decision.RETURN, Decision.REJECT) and not (field.data or "").strip():
            raise ValidationError("退回修改须填写修改意见，不予通过须填写理由（规则 C-REV）")
