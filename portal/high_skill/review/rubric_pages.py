"""HS-W3: the centre's rubric settings (criteria, guidance, weights summing to 100)."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from portal.high_skill.review import rubric
from portal.high_skill.review.forms import RubricForm
from portal.rules.high_skill import HS_RUBRIC_TOTAL_WEIGHT
from portal.web.commit import commit_or_refuse

TEMPLATE = "high_skill/review/rubric.html"


def _filled_form() -> RubricForm:
    data = {"criteria": [{"id": str(c.id), "label": c.label, "guidance": c.guidance,
                          "weight": c.weight, "sort_order": c.sort_order, "active": c.active}
                         for c in rubric.criteria()]}
    return RubricForm(data=data, formdata=None)


def rubric_settings():
    form = RubricForm()
    if form.validate_on_submit():
        saved = commit_or_refuse(lambda: rubric.save_rubric(current_user, form.rows()),
                                 done="评分标准已保存。", form=form)
        if saved:
            return redirect(url_for("center.hs_rubric"))
    elif not form.is_submitted():
        form = _filled_form()
    current = rubric.criteria()
    return render_template(TEMPLATE, form=form, criteria=current,
                           active_total=sum(c.weight for c in current if c.active),
                           required_total=HS_RUBRIC_TOTAL_WEIGHT,
                           locked=rubric.scoring_in_progress())


def load_default():
    commit_or_refuse(lambda: rubric.load_default(current_user), done="已载入默认评分标准。")
    return redirect(url_for("center.hs_rubric"))
