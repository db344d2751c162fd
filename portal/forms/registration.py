"""Self-registration of an enterprise or a training institution (AP-N1, AP-I1..I3)."""

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from portal import rules
from portal.extensions import db
from portal.forms.auth import PASSWORD_RULES
from portal.forms.validators import RuleCheck, choices, normalise
from portal.models import District, Occupation, Organisation, User


def _unique(column, message: str):
    def check(_form, field):
        if field.data and db.session.scalar(sa.select(sa.exists().where(column == field.data))):
            raise ValidationError(message)

    return check


def _attested(rule_id: str):
    def check(_form, field):
        if not field.data:
            raise ValidationError(rules.rule_message(rule_id))

    return check


class _RegistrationForm(FlaskForm):
    # Fields the page validates as the user types (htmx); each has an error block.
    LIVE_FIELDS = ("credit_code", "contact_phone", "username")

    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"), Length(max=120)])
    credit_code = StringField(
        "统一社会信用代码",
        filters=[normalise],
        validators=[
            DataRequired("请填写统一社会信用代码"),
            Length(max=18, message=rules.rule_message("C-ID2")),
            RuleCheck("C-ID2", rules.is_valid_credit_code),
            _unique(Organisation.credit_code, "该统一社会信用代码已注册，请直接登录或联系所在区人社局"),
        ],
        description="18位，由数字和大写字母组成（不含 I、O、Z、S、V）",
    )
    district_code = SelectField("所在区", validators=[DataRequired("请选择所在区")])
    address = StringField("注册地址", validators=[DataRequired("请填写注册地址"), Length(max=200)])
    contact_name = StringField("联系人", validators=[DataRequired("请填写联系人"), Length(max=32)])
    contact_phone = StringField(
        "联系人手机号",
        filters=[normalise],
        validators=[DataRequired("请填写手机号"), Length(max=11, message=rules.rule_message("C-ID3")),
                    RuleCheck("C-ID3", rules.is_valid_mobile)],
    )
    username = StringField(
        "登录用户名",
        validators=[DataRequired("请设置用户名"), Length(min=3, max=64, message="用户名长度须为3–64位"),
                    _unique(User.username, "该用户名已被使用")],
    )
    password = PasswordField("登录密码", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "确认密码", validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_code.choices = choices([("", "请选择")] + [
            (d.code, d.name)
            for d in db.session.scalars(sa.select(District).order_by(District.sort_order))
        ])

    def org_fields(self) -> dict:
        skip = {"username", "password", "confirm", "csrf_token", "occupation_ids"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class EnterpriseRegistrationForm(_RegistrationForm):
    size = SelectField(
        "企业规模", choices=choices(rules.ENTERPRISE_SIZES.items()), validators=[DataRequired()]
    )
    state_owned = BooleanField("国有企业")
    four_centres = BooleanField("属于服务首都“四个中心”功能建设的行业（优先支持）")
    attests_training_system = BooleanField(
        "本企业已建立职工培训制度和技能人才激励机制", validators=[_attested("AP-N1")]
    )


class InstitutionRegistrationForm(_RegistrationForm):
    institution_type = SelectField(
        "机构类型", choices=choices(rules.INSTITUTION_TYPES.items()), validators=[DataRequired()]
    )
    independent_legal_person = BooleanField(
        "本机构具有独立法人资格", validators=[_attested("AP-I1")]
    )
    licence_no = StringField(
        "办学许可证或培训资质编号", validators=[DataRequired("请填写许可证编号"), Length(max=64)]
    )
    licence_authority = StringField(
        "发证机关", validators=[DataRequired("请填写发证机关"), Length(max=120)]
    )
    licence_valid_from = DateField("有效期自", validators=[DataRequired("请填写有效期起始日")])
    licence_valid_to = DateField("有效期至", validators=[Optional()])
    occupation_ids = SelectMultipleField(
        "许可范围内的职业（工种）", coerce=int, validators=[DataRequired("请至少选择一个职业（工种）")]
    )
    attests_conditions = BooleanField(
        "本机构具备相应职业（工种）的场地、设备和师资，具备制定培训计划和课程的能力",
        validators=[_attested("AP-I3")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupation_ids.choices = choices(
            (o.id, f"{o.code} {o.name}")
            for o in db.session.scalars(sa.select(Occupation).order_by(Occupation.code))
        )

    def validate_licence_valid_to(self, field):
        if field.data and self.licence_valid_from.data and field.data < self.licence_valid_from.data:
            raise ValidationError("有效期截止日不能早于起始日")


REGISTRATION_FORMS = {
    "enterprise": EnterpriseRegistrationForm,
    "institution": InstitutionRegistrationForm,
}
