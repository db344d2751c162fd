"""AP-V2: the district's 停训整改 / 恢复培训 buttons on a programme's page."""

from flask import redirect, request, url_for
from flask_login import current_user

from portal.apprenticeship.programmes import suspension
from portal.core.access import get_or_404_for
from portal.models import Programme
from portal.web.commit import commit_or_refuse
from portal.web.routes import POST, RouteTable


def _back(programme_id: int):
    return redirect(url_for("district.programme", programme_id=programme_id))


def suspend_programme(programme_id: int):
    programme = get_or_404_for(current_user, Programme, programme_id)
    commit_or_refuse(lambda: suspension.suspend(current_user, programme,
                                                request.form.get("reason", "")),
                     done="已决定停训整改：停训期间该项目不能招收学徒、不能申请补贴。")
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
