"""Programmes in which this institution is the training partner (AP-W1 consent)."""

from portal.apprenticeship.programmes import pages
from portal.apprenticeship.programmes import services as programmes
from portal.blueprints.institution import bp


@bp.get("/programmes", endpoint="programmes")
def programmes_list():
    return pages.list_page("institution")


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    return pages.detail("institution", programme_id)


@bp.post("/programmes/<int:programme_id>/confirm")
def confirm_programme(programme_id: int):
    return pages.act("institution", programme_id, programmes.institution_confirm,
                     "已确认本机构承担的培训内容，企业可提交审核。")
