"""Demo: one finished city-wide ledger export of the centre's, so `/center/jobs` shows a job
with its file (idempotent: seeding again adds none)."""

import secrets
from dataclasses import asdict

import sqlalchemy as sa

from portal.core import jobs
from portal.extensions import db
from portal.models import Job, JobState
from portal.models.base import utcnow
from portal.money.ledger import LedgerFilters
from portal.reports.jobs import ledger_export


def seed(story) -> None:
    centre = story.user("center")
    if centre is None or db.session.scalar(
            sa.select(Job.id).where(Job.user_id == centre.id, Job.kind == ledger_export.KIND)):
        return
    params = asdict(LedgerFilters())
    stored = secrets.token_hex(16)
    rows = []
    name = ledger_export.run({**params, "user_id": centre.id},
                             lambda done, total, message="": rows.append(total),
                             jobs.jobs_dir() / stored)
    now = utcnow()
    total = rows[-1] if rows else 0
    db.session.add(Job(id=secrets.token_hex(16), user_id=centre.id, kind=ledger_export.KIND,
                       params=jobs.params_json(params), state=JobState.DONE, done=total,
                       total=total, message="", result_name=name, result_stored=stored,
                       created_at=now, started_at=now, finished_at=now))
    db.session.flush()
