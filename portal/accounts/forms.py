"""Login and password forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.accounts.passwords import MIN_PASSWORD_LENGTH

PASSWORD_RULES = [
    DataRequired("请输入密码"),
    Length(min=MIN_PASSWORD_LENGTH, max=128, message=f"密码长度须为{MIN_PASSWORD_LENGTH}–128位"),
]


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class ChangePasswordForm(FlaskForm):
    password = PasswordField("新密码", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "确认新密码", validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")]
    )
