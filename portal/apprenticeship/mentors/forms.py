"""Mentor forms (AP-M2..M4) and the assignment form (AP-M1); rules come from portal.rules."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import rules
from portal.apprenticeship.mentors import services as mentors
from portal.models import MentorKind
from portal.web.converters import db_int
from portal.web.converters import db_int_or_none as _int_or_none
from portal.web.validators import RuleCheck, add_rule_errors, choices, normalise

# Where each refused rule is shown: the qualification rules under the capability box that
# every mentor of that kind needs, AP-M4 under the attestation.
RULE_FIELDS = {
    "C-ID3": "mobile",
    "AP-M2": "can_guide_practice",
    "AP-M3": "has_teaching_experience",
    "AP-M4": "attests_ethics",
}

YEARS = [InputRequired("请填写年限（没有填0）"),
         NumberRange(0, mentors.MAX_YEARS, f"年限须为0–{mentors.MAX_YEARS}之间的整数")]


class _MentorForm(FlaskForm):
    kind: MentorKind

    name = StringField("姓名", validators=[DataRequired("请填写姓名"),
                                              Length(max=mentors.NAME_MAX_LENGTH)])
    mobile = StringField(
        "手机号码", filters=[normalise],
        validators=[Optional(), RuleCheck("C-ID3", rules.is_valid_mobile)],
        description="选填；列表中只显示前3位和后4位",
    )
    skill_level = SelectField(
        "相关职业（工种）技能等级",
        choices=choices([("", "无或未取得")]
                        + [(lv, f"{label}工" if lv in ("primary", "intermediate", "advanced")
                            else label) for lv, label in rules.LEVEL_LABELS.items()]),
    )
    has_mid_title = BooleanField("具有中级及以上专业技术职务（职称）")
    attests_ethics = BooleanField(
        "本单位承诺：该导师身心健康，具有良好的职业道德、责任心和沟通表达能力"
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        problems = [p for p in mentors.qualification_problems(self.kind, self.data)
                    if p != "C-ID3"]
        return add_rule_errors(self, RULE_FIELDS, problems)

    def facts(self) -> dict:
        return {name: self[name].data
                for name in mentors.SHARED_FIELDS + mentors.KIND_FIELDS[self.kind]}

    def qualification_fields(self) -> list:
        return [self[name] for name in mentors.KIND_FIELDS[self.kind]] + [self.skill_level,
                                                                          self.has_mid_title]


class EnterpriseMentorForm(_MentorForm):
    """AP-M2: 企业导师."""

    kind = MentorKind.ENTERPRISE

    can_guide_practice = BooleanField("具备实践操作指导能力（必备）")
    years_practice = IntegerField("从事岗位相关实践工作年限", default=0, validators=YEARS)
    is_backbone = BooleanField("企业认定的技术骨干")


class TeacherForm(_MentorForm):
    """AP-M3: 培训机构教师."""

    kind = MentorKind.TEACHER

    has_teaching_experience = BooleanField("具有课程开发和教学经验（必备）")
    integrated_or_dual = BooleanField("一体化教师或双师型教师")
    years_teaching = IntegerField("从事教学工作年限", default=0, validators=YEARS)


def mentor_form(kind: MentorKind, *args, **kwargs) -> _MentorForm:
    """The form for `kind`: the enterprise's mentor or the institution's teacher."""
    form_class = EnterpriseMentorForm if kind == MentorKind.ENTERPRISE else TeacherForm
    return form_class(*args, **kwargs)


class AssignOneForm(FlaskForm):
    """AP-M1: the mentor for one apprentice (the row's)."""

    # Offered: the actor's active mentors of this programme's side. A posted id outside
    # them is refused by the service with the rule (AP-M1), not as a bare "invalid choice".
    mentor_id = SelectField("导师", coerce=_int_or_none, validate_choice=False,
                            validators=[DataRequired("请选择导师")])

    def __init__(self, assignable=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = choices([("", "请选择")] + [(m.id, m.name) for m in assignable])


class AssignForm(AssignOneForm):
    """AP-M1: one mentor for the ticked apprentices; the view checks the ids' programme."""

    enrolment_ids = SelectMultipleField("学徒", coerce=db_int, validate_choice=False,
                                        validators=[DataRequired("请先勾选学徒")])
