"""C-AUD / C-REV (issue 14 item 9): who is told of a review decision, and where it links.

`core.workflow` calls `core.notify.decision_notice` on every approve / return / reject; this
module registers, per audited object type, the owning organisation of the record and the
page a message opens (the reader's own blueprint, same endpoint name in every role).
It reads models only, so any domain's workflow can be told without importing this package's
pages, and no domain has to import the inbox.
"""

import sqlalchemy as sa

from portal.core.notify import register_link, register_owner
from portal.models import Enrolment, Programme


def _programme_enterprise(programme_id_column):
    return (sa.select(Programme.enterprise_id).where(Programme.id == programme_id_column)
            .scalar_subquery())


def _enrolment_enterprise(enrolment_id):
    return (sa.select(Programme.enterprise_id)
            .join(Enrolment, Enrolment.programme_id == Programme.id)
            .where(Enrolment.id == enrolment_id).scalar_subquery())


register_owner("organisation", "单位注册信息", lambda o: o.id, lambda o: o.name)
register_owner("programme", "培训项目", lambda p: p.enterprise_id, lambda p: f"#{p.id}")
register_owner("enrolment", "学徒报名", lambda e: _programme_enterprise(e.programme_id),
               lambda e: f"#{e.id}")
register_owner("status_change", "学籍异动申请", lambda c: _enrolment_enterprise(c.enrolment_id),
               lambda c: f"#{c.id}")
register_owner("claim", "补贴申请", lambda c: c.enterprise_id, lambda c: c.number)
register_owner("hs_proposal", "高技能人才培训项目申报", lambda p: p.host_id, lambda p: p.title)

register_link("organisation", "edit_organisation", "")
register_link("programme", "programme", "programme_id")
register_link("enrolment", "enrolment", "enrolment_id")
register_link("status_change", "status_change", "change_id")
register_link("claim", "claim", "claim_id")
register_link("hs_proposal", "hs_proposal", "proposal_id")
register_link("recovery", "recovery", "recovery_id")

