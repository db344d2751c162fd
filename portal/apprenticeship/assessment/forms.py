"""The row form of the class assessment screen (AP-S1 verdict, AP-S2 vocational certificate).

Each row has its own prefix, so ids and labels stay unique on a page of twenty forms; the
CSRF token is the page's hidden input (CSRFProtect checks every POST).
"""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal import rules
from portal.apprenticeship.assessment.services import COMMENT_MAX, Vocational
from portal.models import Assessment, Verdict, VocationalCertificateType
from portal.rules.assessment import VOCATIONAL_NUMBER_MAX
from portal.web.validators import choices

VERDICT_CHOICES = choices([(v.value, v.label) for v in Verdict])
TYPE_CHOICES = choices([("", "（无职业证书）")]
                       + [(t.value, t.label) for t in VocationalCertificateType])
LEVEL_CHOICES = choices([("", "（请选择）")] + list(rules.LEVEL_LABELS.items()))


class AssessmentRowForm(FlaskForm):
    class Meta:
        csrf = False  # the row's hidden csrf_token input, checked by CSRFProtect

    verdict = RadioField("考核结果", choices=VERDICT_CHOICES, validators=[Optional()],
                         validate_choice=True)
    vocational_type = SelectField("职业证书类别", choices=TYPE_CHOICES)
    vocational_level = SelectField("证书等级", choices=LEVEL_CHOICES)
    vocational_number = StringField("证书编号", validators=[
        Length(max=VOCATIONAL_NUMBER_MAX, message=f"证书编号不能超过{VOCATIONAL_NUMBER_MAX}个字符")])
    vocational_issued_on = DateField("发证日期", validators=[Optional()])
    comment = StringField("考核意见（选填）", validators=[
        Length(max=COMMENT_MAX, message=f"考核意见不能超过{COMMENT_MAX}字")])

    @classmethod
    def for_row(cls, enrolment_id: int, assessment: Assessment | None, side: str | None,
                formdata=None) -> "AssessmentRowForm":
        data = None
        if formdata is None:
            a = assessment
            data = {
                "verdict": getattr(a, f"{side}_verdict", None) if a is not None and side else None,
                "vocational_type": a.vocational_type if a is not None else "",
                "vocational_level": a.vocational_level if a is not None else "",
                "vocational_number": a.vocational_number if a is not None else "",
                "vocational_issued_on": a.vocational_issued_on if a is not None else None,
            }
            data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
        return cls(formdata=formdata, data=data, prefix=f"a{enrolment_id}")

    def vocational(self) -> Vocational:
        return Vocational(type=self.vocational_type.data or None,
                          level=self.vocational_level.data or None,
                          number=(self.vocational_number.data or "").strip() or None,
                          issued_on=self.vocational_issued_on.data)

    def attach(self, problems: list[tuple[str, str]] | None, message: str | None) -> None:
        """A refusal's problems go under their fields, anything else on top of the row."""
        fields = {"type": self.vocational_type, "level": self.vocational_level,
                  "number": self.vocational_number, "issued_on": self.vocational_issued_on,
                  "verdict": self.verdict, "comment": self.comment}
        for field, text in problems or [("", message)]:
            target = fields.get(field)
            errors = target.errors if target is not None else self.form_errors
            if isinstance(errors, tuple):
                errors = target.errors = list(errors)
            errors.append(text)
