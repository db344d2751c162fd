"""AP-V2: the district's 停训整改 / 恢复培训 buttons on a programme's page.

The suspension form also carries the rectification order: its text, its deadline and,
optionally, the summons it follows (a summons id from the programme's own record).
"""

from datetime import date

from flask import redirect, request, url_for
from flask_login import current_user

from portal.apprenticeship.programmes import suspension
from portal.core.access import get_or_404_for
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Programme, Summons
from portal.web.commit import commit_or_refuse
from portal.web.converters import db_int_or_none
from portal.web.routes import POST, RouteTable

BAD_DEADLINE = "整改期限格式不正确，请按“年-月-日”填写（规则 AP-V2）"


def _back(programme_id: int):
    return redirect(url_for("district.programme", programme_id=programme_id))


def _deadline(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ServiceError(BAD_DEADLINE) from None


def _summons(programme: Programme) -> Summons | None:
    summons_id = db_int_or_none(request.form.get("summons_id"))
    if summons_id is None:
        return None
    summons = db.session.get(Summons, summons_id)
    if summons is None or summons.programme_id != programme.id:
        raise ServiceError("所选约谈记录不属于该培训项目")
    return summons


def suspend_programme(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id)
    commit_or_refuse(lambda: suspension.suspend(
        current_user, programme, request.form.get("reason", ""),
        deadline=_deadline(request.form.get("deadline")),
        order_text=request.form.get("order_text", ""), summons=_summons(programme)),
        done="已决定停训整改并下达整改通知：停训期间该项目不能招收学徒、不能开设课堂、"
             "不能申请补贴。")
    return _back(programme_id)


def lift_suspension(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id)
    commit_or_refuse(lambda: suspension.lift(current_user, programme,
                                             request.form.get("comment", "")),
                     done="已解除停训，项目恢复培训。")
    return _back(programme_id)


ROUTES: RouteTable = {
    "district": (
        ("/programmes/<int:programme_id>/suspend", "suspend_programme", suspend_programme,
         POST),
        ("/programmes/<int:programme_id>/lift-suspension", "lift_suspension", lift_suspension,
         POST),
    ),
}
