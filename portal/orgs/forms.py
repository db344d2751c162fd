"""An organisation's own data: self-registration and later edits (AP-N1, AP-I1..I3, AP-W4).

The organisation fields are declared once per kind (`EnterpriseFields`,
`InstitutionFields`); registration adds the account fields and a required licence upload,
editing reuses the same fields with an optional replacement upload. A high-skill host that
is neither (`HostFields`, HS-H1) registers the same way.
"""

import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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
from portal.accounts.forms import PASSWORD_RULES
from portal.core import files as documents
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import (
    District,
    DocumentKind,
    HostType,
    Occupation,
    Organisation,
    OrgKind,
    User,
)
from portal.orgs.services import COMMON_FIELDS, KIND_FIELDS
from portal.web.validators import RuleCheck, choices, normalise

_ENTERPRISE = KIND_FIELDS[OrgKind.ENTERPRISE]
_INSTITUTION = KIND_FIELDS[OrgKind.INSTITUTION]


def _unique(column, message: str, *, own_id=None):
    """Refuse a value held by another record; with `own_id`, the record being edited is
    not "another" (its id comes from the form's constructor, never from the post)."""

    def check(form, field):
        if not field.data:
            return
        clause = column == field.data
        if own_id is not None and form.current_org_id is not None:
            clause = sa.and_(clause, own_id != form.current_org_id)
        if db.session.scalar(sa.select(sa.exists().where(clause))):
            raise ValidationError(message)

    return check


def _attested(rule_id: str):
    def check(_form, field):
        if not field.data:
            raise ValidationError(rules.rule_message(rule_id))

    return check


def _acceptable_upload(_form, field):
    """Size and type by content, so the user sees it beside the field (the service re-checks)."""
    if not field.data:
        return
    try:
        documents.check_upload(field.data)
    except ServiceError as err:
        raise ValidationError(err.message) from None


def _licence_field(kind: DocumentKind, *, required: bool, label: str | None = None) -> FileField:
    label = label or kind.label
    if required:
        return FileField(label, validators=[FileRequired(f"请上传{label}"),
                                            _acceptable_upload],
                         render_kw={"accept": documents.ACCEPT_ATTRIBUTE})
    return FileField(f"更换{label}（可选）", validators=[_acceptable_upload],
                     render_kw={"accept": documents.ACCEPT_ATTRIBUTE})


# HS-H1: a host proves its legal personality with whichever certificate it holds.
HOST_CERTIFICATE = "法人登记证书（事业单位法人证书或营业执照）"


class _OrganisationFields(FlaskForm):
    """What every organisation states about itself; no account, no status, no id."""

    # Fields the page validates as the user types (htmx); each has an error block.
    LIVE_FIELDS = ("credit_code", "contact_phone")
    kind: OrgKind

    name = StringField(COMMON_FIELDS["name"],
                       validators=[DataRequired("请填写单位名称"), Length(max=120)])
    credit_code = StringField(
        COMMON_FIELDS["credit_code"],
        filters=[normalise],
        validators=[
            DataRequired("请填写统一社会信用代码"),
            Length(max=18, message=rules.rule_message("C-ID2")),
            RuleCheck("C-ID2", rules.is_valid_credit_code),
            _unique(Organisation.credit_code, "该统一社会信用代码已注册，请直接登录或联系所在区人社局",
                    own_id=Organisation.id),
        ],
        description="18位，由数字和大写字母组成（不含 I、O、Z、S、V）",
    )
    district_code = SelectField(COMMON_FIELDS["district_code"],
                                validators=[DataRequired("请选择所在区")])
    address = StringField(COMMON_FIELDS["address"],
                          validators=[DataRequired("请填写注册地址"), Length(max=200)])
    contact_name = StringField(COMMON_FIELDS["contact_name"],
                               validators=[DataRequired("请填写联系人"), Length(max=32)])
    contact_phone = StringField(
        COMMON_FIELDS["contact_phone"],
        filters=[normalise],
        validators=[DataRequired("请填写手机号"), Length(max=11, message=rules.rule_message("C-ID3")),
                    RuleCheck("C-ID3", rules.is_valid_mobile)],
    )

    def __init__(self, *args, org: Organisation | None = None, **kwargs):
        # The record being edited comes from the caller (the signed-in user's own
        # organisation), never from the posted form.
        self.current_org_id = org.id if org is not None else None
        super().__init__(*args, obj=org, **kwargs)
        self.district_code.choices = choices([("", "请选择")] + [
            (d.code, d.name)
            for d in db.session.scalars(sa.select(District).order_by(District.sort_order))
        ])
        self.licence_file.description = documents.upload_hint()

    def org_fields(self) -> dict:
        """Only the organisation's own fields, whatever else was posted."""
        return {name: self[name].data for name in COMMON_FIELDS | KIND_FIELDS[self.kind]}

    def occupations(self) -> list[int] | None:
        return self.occupation_ids.data if "occupation_ids" in self else None


class EnterpriseFields(_OrganisationFields):
    kind = OrgKind.ENTERPRISE

    size = SelectField(
        _ENTERPRISE["size"], choices=choices(rules.ENTERPRISE_SIZES.items()),
        validators=[DataRequired("请选择企业规模")],
    )
    state_owned = BooleanField(_ENTERPRISE["state_owned"])
    four_centres = BooleanField("属于服务首都“四个中心”功能建设的行业（优先支持）")
    # AP-N4 names "subsidiaries with few trainees": the enterprise attests both halves.
    subsidiary = BooleanField("本企业是学徒人数较少的集团子公司",
                              description=rules.rule_message("AP-N4"))
    attests_training_system = BooleanField(
        "本企业已建立职工培训制度和技能人才激励机制", validators=[_attested("AP-N1")]
    )


class InstitutionFields(_OrganisationFields):
    kind = OrgKind.INSTITUTION

    institution_type = SelectField(
        _INSTITUTION["institution_type"], choices=choices(rules.INSTITUTION_TYPES.items()),
        validators=[DataRequired("请选择机构类型")],
    )
    independent_legal_person = BooleanField(
        "本机构具有独立法人资格", validators=[_attested("AP-I1")]
    )
    licence_no = StringField(
        "办学许可证或培训资质编号", validators=[DataRequired("请填写许可证编号"), Length(max=64)]
    )
    licence_authority = StringField(
        _INSTITUTION["licence_authority"],
        validators=[DataRequired("请填写发证机关"), Length(max=120)],
    )
    licence_valid_from = DateField("有效期自", validators=[DataRequired("请填写有效期起始日")])
    licence_valid_to = DateField("有效期至", validators=[Optional()],
                                 description="长期有效的请留空")
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


_HOST = KIND_FIELDS[OrgKind.HOST]
# Enterprises and training institutions host through their own registration (HS-H1).
HOST_TYPE_CHOICES = [(t.value, t.label) for t in HostType if t != HostType.ENTERPRISE]


class HostFields(_OrganisationFields):
    """HS-H1: a university, research institute or technician college hosting high-skill
    advanced training; an independent legal person with training conditions and experience."""

    kind = OrgKind.HOST

    host_type = SelectField(_HOST["host_type"], choices=choices(HOST_TYPE_CHOICES),
                            validators=[DataRequired("请选择承办单位类型")],
                            description="企业、培训机构请以企业或培训机构身份注册，同样可以承办")
    independent_legal_person = BooleanField("本单位是北京地区具有独立法人资格的单位",
                                            validators=[_attested("HS-H1")])
    attests_conditions = BooleanField("本单位具备开展高技能人才研修培训的条件和经验",
                                      validators=[_attested("HS-H1")])


class _AccountFields(FlaskForm):
    LIVE_FIELDS = ("credit_code", "contact_phone", "username")

    username = StringField(
        "登录用户名",
        validators=[DataRequired("请设置用户名"), Length(min=3, max=64, message="用户名长度须为3–64位"),
                    _unique(User.username, "该用户名已被使用")],
    )
    password = PasswordField("登录密码", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "确认密码", validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")]
    )


class EnterpriseRegistrationForm(_AccountFields, EnterpriseFields):
    licence_file = _licence_field(DocumentKind.BUSINESS_LICENCE, required=True)


class InstitutionRegistrationForm(_AccountFields, InstitutionFields):
    licence_file = _licence_field(DocumentKind.SCHOOL_LICENCE, required=True)


class HostRegistrationForm(_AccountFields, HostFields):
    licence_file = _licence_field(DocumentKind.BUSINESS_LICENCE, required=True,
                                  label=HOST_CERTIFICATE)


class EnterpriseEditForm(EnterpriseFields):
    licence_file = _licence_field(DocumentKind.BUSINESS_LICENCE, required=False)


class InstitutionEditForm(InstitutionFields):
    licence_file = _licence_field(DocumentKind.SCHOOL_LICENCE, required=False)


class HostEditForm(HostFields):
    licence_file = _licence_field(DocumentKind.BUSINESS_LICENCE, required=False,
                                  label=HOST_CERTIFICATE)


REGISTRATION_FORMS = {
    "enterprise": EnterpriseRegistrationForm,
    "institution": InstitutionRegistrationForm,
    "host": HostRegistrationForm,
}

EDIT_FORMS = {
    OrgKind.ENTERPRISE: EnterpriseEditForm,
    OrgKind.INSTITUTION: InstitutionEditForm,
    OrgKind.HOST: HostEditForm,
}
