"""Login and password forms."""

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from portal.accounts.password_policy import MAX_LENGTH, password_problems


class NewPassword:
    """ASVS 5.0 §6.2: the role's minimum length, not a common password, not the username.

    The role is the form's `account_role` (self-registration) or the signed-in user's.
    """

    def __call__(self, form, field):
        signed_in = current_user.is_authenticated
        role = getattr(form, "account_role", None) or (current_user.role if signed_in else None)
        username = form.username.data if "username" in form else (
            current_user.username if signed_in else "")
        problems = password_problems(field.data or "", role, username or "")
        if problems:
            raise ValidationError("；".join(problems))


PASSWORD_RULES = [DataRequired("请输入密码"), NewPassword()]


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"),
                                               Length(max=MAX_LENGTH)])


class ChangePasswordForm(FlaskForm):
    # Asked unless this is the first login with a one-time password, typed a moment ago.
    current = PasswordField("当前密码", validators=[Length(max=MAX_LENGTH)])
    password = PasswordField("新密码", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "确认新密码", validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")]
    )
