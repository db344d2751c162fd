"""The centre's revocation form (AP-S1, C-AUD) and the public look-up form."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.certificates import services


class RevokeForm(FlaskForm):
    reason = TextAreaField("撤销理由", validators=[
        DataRequired(services.REASON_REQUIRED),
        Length(max=services.REASON_MAX, message=f"撤销理由不能超过{services.REASON_MAX}字"),
    ], description="理由将记入审计日志，并在公开查验页显示为“已撤销”。")


class VerifyForm(FlaskForm):
    """A GET form (no state change, no CSRF): the number printed on the certificate."""

    class Meta:
        csrf = False

    number = StringField("证书编号", validators=[DataRequired("请输入证书编号")],
                         description="证书下方印有的编号，字母不区分大小写")
