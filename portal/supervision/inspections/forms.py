"""The draw form and the inspection form (AP-V1); both call the rules the services call."""

import secrets

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.clock import today
from portal.core import files as documents
from portal.models import InspectionKind, InspectionResult
from portal.rules import assessment as rules
from portal.rules import rule_message
from portal.web.validators import choices


def fresh_seed() -> int:
    low, high = rules.SAMPLE_SEED_MIN, rules.SAMPLE_SEED_MAX
    return low + secrets.randbelow(high - low + 1)


class SampleForm(FlaskForm):
    size = IntegerField("抽查数量（个项目）", validators=[Optional()],
                        description="与抽查比例二选一")
    percent = IntegerField("抽查比例（%）", validators=[Optional()],
                           description="按在训项目数计算，向上取整")
    seed = IntegerField("随机种子", validators=[DataRequired("请填写随机种子")],
                        description="同一随机种子对同一批在训项目总是抽出同一份名单，可复核")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        problems = rules.sample_request_problems(self.size.data, self.percent.data,
                                                 self.seed.data)
        for problem in problems:
            target = self.seed if problem == rules.SAMPLE_SEED_RANGE else self.size
            if problem not in target.errors:
                target.errors = [*target.errors, problem]
        return ok and not problems


class InspectionForm(FlaskForm):
    kind = RadioField("检查方式", validators=[DataRequired("请选择检查方式")])
    inspected_on = DateField("检查日期", validators=[DataRequired("请填写检查日期")])
    method = StringField("检查方法", validators=[Optional(), Length(
        max=rules.INSPECTION_METHOD_MAX, message=f"不能超过{rules.INSPECTION_METHOD_MAX}字")],
        description="例如：调阅课堂视频、现场查看培训场地、抽问学徒")
    result = SelectField("检查结论", validators=[DataRequired("请选择检查结论")],
                         description=rule_message("AP-V1"))
    findings = TextAreaField("检查发现", validators=[Optional(), Length(
        max=rules.INSPECTION_FINDINGS_MAX,
        message=f"不能超过{rules.INSPECTION_FINDINGS_MAX}字")],
        description="发现问题的必填")
    photos = MultipleFileField("现场照片")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([(k.value, k.label) for k in InspectionKind])
        self.result.choices = choices([(r.value, r.label) for r in InspectionResult])
        self.photos.description = (documents.upload_hint((documents.PHOTOS,))
                                   + f"；可一次选择多张，最多{rules.INSPECTION_PHOTOS_MAX}张")
        # On a phone the picker offers the camera first (capture), several files at once.
        self.photos.render_kw = {"accept": "image/*", "capture": "environment",
                                 "multiple": True}

    def validate_inspected_on(self, field):
        problems = rules.inspection_problems(field.data, today(), problems_found=False,
                                             findings="")
        if problems:
            raise ValidationError(problems[0])

    def validate_findings(self, field):
        problems = rules.inspection_problems(
            None, today(), problems_found=self.result.data != InspectionResult.CLEAR,
            findings=field.data or "")
        if problems:
            raise ValidationError(problems[0])

    def validate_photos(self, field):
        chosen = [f for f in field.data or () if getattr(f, "filename", "")]
        problems = rules.inspection_problems(None, today(), problems_found=False,
                                             findings="", photos=len(chosen))
        if problems:
            raise ValidationError(problems[0])

    def chosen_photos(self) -> list:
        return [f for f in self.photos.data or () if getattr(f, "filename", "")]
