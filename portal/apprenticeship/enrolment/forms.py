"""学徒报名 forms: the registration (validated field by field while typed), agreements, import.

Validators call portal.rules (C-ID1, C-ID3, AP-E1..E3, AP-E6, AP-E7); the service checks all of
them again, since an import or a later submission never passes through this form.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from portal import rules
from portal.apprenticeship.enrolment import checks
from portal.apprenticeship.enrolment.agreements import AGREEMENT_DOCUMENT_KIND
from portal.clock import today
from portal.core import files as documents
from portal.core.errors import ServiceError
from portal.rules.messages import WAGE_BASIS
from portal.web.validators import RuleCheck, choices, normalise

# Where the service's refusal of each rule is shown on the form.
RULE_FIELDS = {
    "C-ID1": "resident_id",
    "C-ID3": "mobile",
    "AP-E1": "contract_end",
    "AP-E2": "insured_in_beijing",
    "AP-E3": "hire_type",
    "AP-E5": "resident_id",
    "AP-E6": "monthly_wage",
    "AP-E7": "contract_start",
}

DISPATCHED_HINT = ("劳务派遣人员在技能岗位工作的，由实际用工企业（即本企业）作为培训主体申报和培训，"
                   "劳动合同、社会保险、工资按实际情况填写（规则 AP-E3）")


def _name(_form, field):
    if field.data and (problem := checks.name_problem(field.data)):
        raise ValidationError(problem)


def _contract_term(form, field):
    """AP-E1: at least one year, end date inclusive; open-ended qualifies."""
    raw = field.raw_data[0] if field.raw_data else ""
    if form.open_ended.data or not raw.strip():
        field.errors[:] = []  # an empty date is not a parse error here
        if form.open_ended.data:
            raise StopValidation()
        raise StopValidation("请填写劳动合同终止日期，或勾选“无固定期限劳动合同”")
    if field.data is None:
        return  # the field's own parse error is already there
    start = form.contract_start.data
    if start is not None and not rules.contract_covers_one_year(start, field.data):
        raise ValidationError(rules.rule_message("AP-E1"))
    if not rules.contract_in_force(field.data, today()):
        raise ValidationError(rules.rule_message("AP-E1"))


def _resident_id_valid_today(value: str) -> bool:
    """C-ID1 on the registration day: no birth date after it."""
    return rules.is_valid_resident_id(value, on=today())


def _old_enough(form, field):
    """AP-E7: at least 16 on the contract start date (birth date from the resident ID)."""
    born = rules.resident_id_birth_date(form.resident_id.data)
    if form.current is not None and not form.resident_id.data:
        born = rules.resident_id_birth_date(form.current.resident_id)
    if field.data is not None and born is not None and not rules.old_enough(born, field.data):
        raise ValidationError(rules.rule_message("AP-E7"))


def _insured(_form, field):
    """AP-E2: social insurance paid in Beijing."""
    if not field.data:
        raise ValidationError(rules.rule_message("AP-E2"))


def _minimum_wage(form, field):
    """AP-E6: at least the minimum monthly wage in force (a parameter)."""
    if isinstance(field.data, int) and rules.wage_problems(field.data, params=form.params):
        raise ValidationError(rules.rule_message("AP-E6", params=form.params))


class EnrolmentForm(FlaskForm):
    """One apprentice of a programme. The level (AP-E4) is the programme's, not a field."""

    # Fields the page checks as the user types (htmx); each has an error block.
    LIVE_FIELDS = ("name", "resident_id", "mobile", "contract_end", "monthly_wage")

    name = StringField("姓名", validators=[DataRequired("请填写学徒姓名"), _name])
    resident_id = StringField(
        "居民身份证号码", filters=[normalise],
        validators=[DataRequired("请填写居民身份证号码"),
                    Length(max=18, message=rules.rule_message("C-ID1")),
                    RuleCheck("C-ID1", _resident_id_valid_today)],
        description="18位，末位可为X",
        render_kw={"autocomplete": "off", "inputmode": "text", "maxlength": 18},
    )
    mobile = StringField(
        "手机号码", filters=[normalise],
        validators=[DataRequired("请填写手机号码"),
                    Length(max=11, message=rules.rule_message("C-ID3")),
                    RuleCheck("C-ID3", rules.is_valid_mobile)],
        description="学籍建立后作为学员登录账号",
        render_kw={"autocomplete": "off", "inputmode": "numeric", "maxlength": 11},
    )
    contract_start = DateField("劳动合同起始日期",
                               validators=[DataRequired("请填写劳动合同起始日期"), _old_enough])
    open_ended = BooleanField("无固定期限劳动合同")
    contract_end = DateField("劳动合同终止日期", validators=[_contract_term],
                             description="按合同所写填写（含当日），期限须不少于1年")
    insured_in_beijing = BooleanField("在本市缴纳社会保险", validators=[_insured])
    hire_type = SelectField("招用类型", choices=choices(rules.HIRE_TYPES.items()),
                            validate_choice=False,
                            validators=[AnyOf(tuple(rules.HIRE_TYPES),
                                              message=rules.rule_message("AP-E3"))])
    dispatched = BooleanField("劳务派遣人员")
    monthly_wage = IntegerField(
        "培训期间月工资（元）",
        validators=[InputRequired("请填写月工资"),
                    NumberRange(0, checks.WAGE_MAX, checks.WAGE_RANGE_MESSAGE), _minimum_wage],
    )

    def __init__(self, *args, params=None, current: checks.Registration | None = None, **kwargs):
        # The parameters in force (AP-E6) and the stored registration being edited come
        # from the caller, never from the post.
        self.params = params
        self.current = current
        super().__init__(*args, **kwargs)
        self.monthly_wage.description = (
            f"{WAGE_BASIS}；不得低于本市最低工资标准 {rules.param(params, 'min_monthly_wage')} 元/月")
        self.dispatched.description = DISPATCHED_HINT
        if current is not None:
            # C-PII: an edit page never shows the stored numbers in full (that view is
            # audited elsewhere); empty keeps them, a new value replaces them.
            for field, masked in ((self.resident_id, rules.mask_resident_id(current.resident_id)),
                                  (self.mobile, rules.mask_mobile(current.mobile))):
                field.validators = [Optional(), *field.validators[1:]]
                field.flags.required = False
                field.description = f"已登记 {masked}；如需更正请输入完整号码，留空则不变"

    def check_field(self, name: str) -> None:
        """Run one field's validators exactly as a full validation would (live checks)."""
        self[name].validate(self)

    def registration(self) -> checks.Registration:
        current = self.current
        return checks.Registration(
            name=self.name.data.strip(),
            resident_id=self.resident_id.data or (current.resident_id if current else ""),
            mobile=self.mobile.data or (current.mobile if current else ""),
            contract_start=self.contract_start.data,
            contract_end=None if self.open_ended.data else self.contract_end.data,
            insured_in_beijing=bool(self.insured_in_beijing.data), hire_type=self.hire_type.data,
            dispatched=bool(self.dispatched.data), monthly_wage=self.monthly_wage.data,
        )

    def show_violation(self, err: rules.RuleViolation) -> None:
        """Each refused rule beside its field; the rest above the form."""
        for rule_id in err.rule_ids:
            message = rules.rule_message(rule_id, params=err.params)
            name = RULE_FIELDS.get(rule_id)
            (self[name].errors if name else self.form_errors).append(message)

    @staticmethod
    def data_of(enrolment, apprentice) -> dict:
        """A stored registration as form data, without the ID number and mobile (C-PII)."""
        return {
            "name": apprentice.name, "contract_start": enrolment.contract_start,
            "open_ended": enrolment.contract_end is None, "contract_end": enrolment.contract_end,
            "insured_in_beijing": enrolment.insured_in_beijing, "hire_type": enrolment.hire_type,
            "dispatched": enrolment.dispatched, "monthly_wage": enrolment.monthly_wage,
        }


def _acceptable_upload(_form, field):
    if not field.data or not getattr(field.data, "filename", None):
        return
    try:
        documents.check_upload(field.data)
    except ServiceError as err:
        raise ValidationError(err.message) from None


class AgreementForm(FlaskForm):
    """AP-A1: the enterprise–apprentice training agreement (个人或集体)."""

    signed_on = DateField("协议签订日期", validators=[DataRequired("请填写协议签订日期")])
    note = StringField("备注（可选）", validators=[Length(max=200)])
    document = FileField("协议扫描件（PDF，可选）", validators=[_acceptable_upload],
                         render_kw={"accept": ".pdf,application/pdf"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if AGREEMENT_DOCUMENT_KIND is None:
            del self.document  # the PDF needs the document kind (see services.agreements)
        else:
            self.document.description = documents.upload_hint()

    @property
    def upload(self):
        return self.document.data if "document" in self else None


class ImportForm(FlaskForm):
    file = FileField("学徒名单 Excel 文件（.xlsx）",
                     render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet"})
