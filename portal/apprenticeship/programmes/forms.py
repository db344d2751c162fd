"""The programme application form (AP-W1); cross-field rules come from services.programmes."""


import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import clock, rules
from portal.apprenticeship.programmes import services as programmes
from portal.catalogue import lookups as catalogues
from portal.catalogue.institutions import approved_institutions
from portal.extensions import db
from portal.models import (
    CatalogueKind,
    Occupation,
    Organisation,
    OrgKind,
    Programme,
    ReviewState,
)
from portal.web.converters import db_int_or_none as _int_or_none
from portal.web.validators import add_rule_errors, choices

# Where each refused rule is shown on the form.
RULE_FIELDS = {
    "AP-E4": "level",
    "AP-N2": "occupation_id",
    "AP-N4": "entrusted_enterprise_id",
    "AP-I2": "institution_id",
    "AP-I4": "institution_id",
    "AP-C2": "delivery_modes",
    "AP-C3": "duration_months",
    "AP-C4": "on_job_hours",
}

HOURS = [InputRequired("请填写学时"), NumberRange(0, 10000, "学时须为0–10000之间的整数")]


class ProgrammeForm(FlaskForm):
    occupation_id = SelectField("培训职业（工种）", coerce=_int_or_none, validate_choice=False,
                                validators=[DataRequired("请选择职业（工种）")])
    level = SelectField("培训等级", validate_choice=False,
                        choices=choices((lv, rules.LEVEL_LABELS[lv]) for lv in rules.TRAINABLE_LEVELS),
                        validators=[DataRequired("请选择培训等级")])
    start_date = DateField("开班日期", validators=[DataRequired("请填写开班日期")])
    institution_id = SelectField(
        "合作培训机构", coerce=_int_or_none, validate_choice=False,
        validators=[DataRequired("请选择合作培训机构")],
        description="仅列出已列入培训机构目录、许可范围覆盖所选职业（工种）的机构",
    )
    planned_count = IntegerField("计划培训人数", validators=[
        InputRequired("请填写计划人数"), NumberRange(1, 9999, "计划人数须为1–9999")])
    duration_months = IntegerField(
        "培养期限（月）", validators=[InputRequired("请填写培养期限"), NumberRange(1, 120)],
        description=rules.rule_message("AP-C3"),
    )
    # AP-C3: the reason for a length other than the level's standard (stored on the programme
    # as extension_reason, which held the reason for longer plans before shorter ones needed one).
    extension_reason = TextAreaField(
        "理由", validators=[Length(max=1000)],
        description="培养期限不同于标准期限时必填，审核时将向区、市审核人员提示",
    )
    general_hours = IntegerField("通用素质课时", validators=HOURS)
    theory_hours = IntegerField("专业理论课时", validators=HOURS)
    practice_hours = IntegerField("技能实训课时", validators=HOURS)
    centralised_hours = IntegerField("集中培训课时", validators=HOURS)
    on_job_hours = IntegerField("岗位训练课时", validators=HOURS)
    delivery_modes = SelectMultipleField(
        "授课形式", choices=choices(rules.DELIVERY_MODES.items()),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    textbooks = TextAreaField("选用教材（每行一种，提交时向区里备案）",
                              validators=[Length(max=4000)])
    entrusted_enterprise_id = SelectField(
        "委托培训企业（中小微企业或学徒人数较少的集团子公司可选）", coerce=_int_or_none, validate_choice=False,
        validators=[Optional()],
    )
    agreement = FileField("企业新型学徒培训合作协议（PDF或图片）",
                          render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    entrustment_agreement = FileField("委托培训协议（委托培训时必传）",
                                      render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})

    def __init__(self, enterprise: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        day = self.start_date.data or clock.today()
        occupations = list(db.session.scalars(sa.select(Occupation).order_by(Occupation.code)))
        flags = catalogues.memberships([o.id for o in occupations], day)
        self.occupation_id.choices = choices(
            [("", "请选择")] + [(o.id, _occupation_label(o, flags[o.id])) for o in occupations]
        )
        self.set_institution_choices()
        self.entrusted_enterprise_id.choices = choices(
            [("", "不委托（自行培训）")] + [
                (e.id, e.name) for e in db.session.scalars(
                    sa.select(Organisation).where(
                        Organisation.kind == OrgKind.ENTERPRISE,
                        Organisation.state == ReviewState.APPROVED,
                        Organisation.id != enterprise.id,
                    ).order_by(Organisation.name).limit(500)
                )
            ]
        )

    def set_institution_choices(self) -> None:
        institutions = approved_institutions(self.occupation_id.data, self.start_date.data)
        self.institution_id.choices = choices(
            [("", "请选择")] + [(i.id, i.name) for i in institutions]
        )

    def plan_data(self) -> dict:
        return {name: self[name].data for name in programmes.PLAN_FIELDS}

    @staticmethod
    def data_of(programme: Programme) -> dict:
        """A stored programme as this form's data (the edit page before its first POST)."""
        data = {name: getattr(programme, name) for name in programmes.PLAN_FIELDS}
        data["delivery_modes"] = [m for m in programme.delivery_modes.split(",") if m]
        return data

    def duration_warnings(self) -> list[str]:
        """AP-C3: the typed length differs from the level's standard (so a reason is needed)."""
        level, months = self.level.data, self.duration_months.data
        if level not in rules.TRAINABLE_LEVELS or not isinstance(months, int) or months < 1:
            return []
        return rules.duration_warnings(level, months)

    def shows_reason(self) -> bool:
        """AP-C3: the reason field is shown when needed, or when it already says something."""
        field = self.extension_reason
        shown = bool(self.duration_warnings() or (field.data or "").strip() or field.errors)
        field.flags.required = bool(self.duration_warnings())
        return shown

    def plan_summary(self) -> dict:
        """AP-C1 shares and warning, AP-C4 credits against the level's requirement, live."""
        hours = [self[name].data if isinstance(self[name].data, int) and self[name].data >= 0
                 else 0
                 for name in ("general_hours", "theory_hours", "practice_hours",
                              "centralised_hours", "on_job_hours")]
        level = self.level.data if self.level.data in rules.TRAINABLE_LEVELS else None
        credits = rules.credits_for_hours(hours[3] + hours[4])
        required = rules.required_credits(level) if level else None
        return {
            "shares": rules.course_ratio_shares(*hours[:3]),
            "ratio_warnings": rules.course_ratio_warnings(*hours[:3]),
            "credits": credits,
            "required_credits": required,
            "credits_short": level is not None and not rules.training_complete(level, *hours[3:]),
        }

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        check = programmes.check_plan(self.plan_data(), self.enterprise)
        return add_rule_errors(self, self._rule_fields(), check.problems)

    def _rule_fields(self) -> dict[str, str]:
        """AP-C3 refuses a length beyond the limit, else only a missing reason: say it there."""
        if rules.duration_limit_problems(self.duration_months.data):
            return RULE_FIELDS
        return {**RULE_FIELDS, "AP-C3": "extension_reason"}


def _occupation_label(occupation: Occupation, flags: set) -> str:
    label = f"{occupation.code} {occupation.name}"
    if CatalogueKind.URGENT in flags:
        label += "（急需紧缺）"
    if CatalogueKind.PROHIBITED in flags:
        label += "（禁止限制类，不可申请）"
    if occupation.is_demo:
        label += "［演示数据］"
    return label
