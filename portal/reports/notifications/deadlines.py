"""HS-W4, HS-W8: the daily deadline sweep (`flask --app wsgi notify-deadlines`).

Each reminder is written once: its `dedupe_key` names the project, the rule and the stage
("due": within the warning window; "overdue": past the deadline), and a recipient who has
that key already gets nothing (core.notify). Running the sweep twice, or every day of the
window, therefore writes nothing new; a deadline that moves (a new start date) is a new key.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.core.notify import notify, org_users
from portal.extensions import db
from portal.high_skill.delivery.worklist import due as completion_due
from portal.high_skill.rosters.worklist import due_soon as list_due_soon
from portal.models import HsProposal, ProposalState
from portal.rules.high_skill import hs_filing_deadline, hs_list_filing_deadline

OBJECT_TYPE = "hs_proposal"


@dataclass(frozen=True)
class Reminder:
    proposal_id: int
    host_id: int
    title: str
    rule: str
    deadline: date
    overdue: bool

    @property
    def key(self) -> str:
        stage = "overdue" if self.overdue else "due"
        return f"{self.rule}:{self.proposal_id}:{self.deadline.isoformat()}:{stage}"

    @property
    def message(self) -> str:
        what = "学员名单和培训计划备案" if self.rule == "HS-W4" else "结业备案（总结、花名册、学员总结）"
        when = f"已于 {self.deadline} 到期，请尽快报送" if self.overdue else f"请于 {self.deadline} 前报送"
        return f"研修项目「{self.title}」{what}{when}（规则 {self.rule}）"


def due_reminders(today: date) -> list[Reminder]:
    """Projects whose HS-W4 or HS-W8 filing is due within the warning window or overdue:
    two queries, whatever the number of projects."""
    columns = (HsProposal.id, HsProposal.host_id, HsProposal.title)
    list_due = db.session.execute(sa.select(*columns, HsProposal.starts_on)
                                  .where(HsProposal.state == ProposalState.APPROVED,
                                         HsProposal.filed_version == 0,
                                         list_due_soon(today))).all()
    completions = db.session.execute(sa.select(*columns, HsProposal.ends_on)
                                     .where(completion_due(today))).all()
    reminders = []
    for id_, host_id, title, starts_on in list_due:
        deadline = hs_list_filing_deadline(starts_on)
        reminders.append(Reminder(id_, host_id, title, "HS-W4", deadline, today > deadline))
    for id_, host_id, title, ends_on in completions:
        deadline = hs_filing_deadline(ends_on)
        reminders.append(Reminder(id_, host_id, title, "HS-W8", deadline, today > deadline))
    return reminders


def sweep(today: date) -> int:
    """Write each due reminder to the host's accounts once; how many messages were written.
    Flushes, never commits (the command commits)."""
    written = 0
    for reminder in due_reminders(today):
        written += notify(org_users(reminder.host_id), "deadline", reminder.message,
                          object_type=OBJECT_TYPE, object_id=reminder.proposal_id,
                          dedupe_key=reminder.key)
    db.session.flush()
    return written
