"""Forms of changes of status (学籍异动, AP-P2); the checks that need data are the service's."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal import rules
from portal.apprenticeship.status import services as status_changes
from portal.apprenticeship.status.services import ChangeData
from portal.models import StatusChangeKind
from portal.web.converters import db_int_or_none as _int_or_none
from portal.web.validators import choices

MAX_EXTENSION_MONTHS = rules.MAX_DURATION_YEARS * status_changes.MONTHS_PER_YEAR


class ChangeDetailsForm(FlaskForm):
    """What a returned request may correct before it is sent again (C-REV)."""

    effective_on = DateField("生效日期", validators=[DataRequired("请填写生效日期")])
    reason = TextAreaField("异动原因", validators=[
        DataRequired("请填写异动原因"),
        Length(max=status_changes.REASON_MAX,
               message=f"异动原因不能超过{status_changes.REASON_MAX}字"),
    ])
    extension_months = IntegerField(
        "延长月数", validators=[Optional(), NumberRange(1, MAX_EXTENSION_MONTHS,
                                                      f"延长月数须为1–{MAX_EXTENSION_MONTHS}")],
        description=rules.rule_message("AP-C3"),
    )
    target_programme_id = SelectField("转入项目", coerce=_int_or_none, validate_choice=False,
                                      description="本企业已通过审核、尚有名额的其他培训项目")

    def __init__(self, *args, targets=(), kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._kind = kind  # fixed when a returned request is corrected
        self.target_programme_id.choices = choices([("", "（仅转出时选择）"), *targets])

    def change_data(self, kind: StatusChangeKind) -> ChangeData:
        return ChangeData(kind=kind, reason=self.reason.data or "",
                          effective_on=self.effective_on.data,
                          extension_months=self.extension_months.data,
                          target_programme_id=self.target_programme_id.data)

    def _check_kind_fields(self, kind: str | None) -> None:
        if kind == StatusChangeKind.EXTEND and not self.extension_months.data:
            self.extension_months.errors.append("延长培养期须填写延长月数")
        if kind == StatusChangeKind.TRANSFER and not self.target_programme_id.data:
            self.target_programme_id.errors.append("转出须选择转入的培训项目")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self._check_kind_fields(self.kind_value())
        return ok and not self.extension_months.errors and not self.target_programme_id.errors

    def kind_value(self) -> str | None:
        return self._kind


class StatusChangeForm(ChangeDetailsForm):
    """A new request: which apprentice and which kind of change."""

    enrolment_id = SelectField("学徒", coerce=_int_or_none, validate_choice=False,
                               validators=[DataRequired("请选择学徒")])
    kind = RadioField("异动类型", validators=[DataRequired("请选择异动类型")],
                      choices=choices((k.value, k.label) for k in StatusChangeKind))

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment_id.choices = choices([("", "请选择"), *enrolments])
        self._allowed = {value for value, _label in enrolments}

    def validate_enrolment_id(self, field):
        if field.data not in self._allowed:
            raise ValidationError("请从列表中选择本企业在训或暂停培训的学徒")

    def kind_value(self) -> str | None:
        return self.kind.data
