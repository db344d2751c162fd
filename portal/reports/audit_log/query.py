"""The viewer's filters (whitelisted from the query string) and its pages.

A page is keyset-paged on the primary key, newest first: `WHERE id < :before ORDER BY id
DESC LIMIT n+1`, one query however deep the page (no OFFSET, no COUNT over half a million
rows), then one query naming the people of the page's person-related rows.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Apprentice, AuditLog, Enrolment, HsTrainee, Organisation, User
from portal.models.base import Base
from portal.reports.audit_log import access, people
from portal.reports.audit_log.labels import OBJECT_LABELS
from portal.rules import normalise_identifier
from portal.web.converters import db_int_or_none

TEXT_MAX = 40
_ACTION = re.compile(r"[a-z_]{1,32}")
_ID_LIKE = re.compile(r"\d{17}[\dX]")


@dataclass(frozen=True)
class Filters:
    org: str = ""
    person: str = ""
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: date | None = None
    date_to: date | None = None
    district: str = ""
    before: int | None = None

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for the export link and the next page)."""
        values = {"org": self.org, "person": self.person, "actor": self.actor,
                  "action": self.action, "object_type": self.object_type,
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else "",
                  "district": self.district}
        return {k: v for k, v in values.items() if v}


def _day(raw: str) -> date | None:
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None
    return day if day and 2000 <= day.year <= 2100 else None


def _text(args, name: str) -> str:
    """Printable text only (PostgreSQL refuses a NUL in a string), spaces collapsed."""
    value = "".join(ch for ch in str(args.get(name, ""))[:200] if ch.isprintable())
    return " ".join(value.split())[:TEXT_MAX]


def parse(args, *, city_wide: bool, district_codes=()) -> Filters:
    """Junk is dropped, never an error: unknown kinds, malformed dates and ids are ignored."""
    action = _text(args, "action")
    kind = _text(args, "object_type")
    before = str(args.get("before", ""))
    district = _text(args, "district")
    return Filters(
        org=_text(args, "org"), person=_text(args, "person"), actor=_text(args, "actor"),
        action=action if _ACTION.fullmatch(action) else "",
        object_type=kind if kind in OBJECT_LABELS else "",
        date_from=_day(_text(args, "date_from")), date_to=_day(_text(args, "date_to")),
        district=district if city_wide and district in district_codes else "",
        before=db_int_or_none(before) if before.isascii() and before.isdigit() else None,
    )


def _like(column, text: str):
    return column.contains(text, autoescape=True)


def _person_kinds(text: str) -> dict[str, sa.Select]:
    """Records about the apprentices and trainees named (prefix) or identified by `text`."""
    wanted = normalise_identifier(text)
    if _ID_LIKE.fullmatch(wanted):
        apprentices = sa.select(Apprentice.id).where(Apprentice.resident_id == wanted)
        trainees = sa.select(HsTrainee.id).where(HsTrainee.resident_id == wanted)
    else:
        apprentices = sa.select(Apprentice.id).where(
            Apprentice.name.startswith(text, autoescape=True))
        trainees = sa.select(HsTrainee.id).where(HsTrainee.name.startswith(text, autoescape=True))
    enrolments = sa.select(Enrolment.id).where(Enrolment.apprentice_id.in_(apprentices))
    t = Base.metadata.tables
    kinds = {"enrolment": enrolments, "hs_trainee": trainees,
             "certificate": sa.select(t["certificate"].c.id).where(sa.or_(
                 t["certificate"].c.apprentice_id.in_(apprentices),
                 t["certificate"].c.hs_trainee_id.in_(trainees)))}
    for name in people.VIA_ENROLMENT:
        kinds[name] = sa.select(t[name].c.id).where(t[name].c.enrolment_id.in_(enrolments))
    return kinds


def filtered(user, f: Filters) -> sa.Select:
    """The user's entries (C-DIST scope first) narrowed by the filters, newest first.

    The person and organisation searches only ever narrow that scope: a peer district's
    person or organisation matches nothing here, and nothing says whether they exist."""
    q = access.entries_for(user)
    if f.org:
        orgs = access.orgs_for(user).where(_like(Organisation.name, f.org))
        q = q.where(access.about(access.org_objects(orgs)))
    if f.person:
        q = q.where(access.about(_person_kinds(f.person)))
    if f.actor:
        actors = sa.select(User.id).where(sa.or_(User.username == f.actor,
                                                 _like(User.display_name, f.actor)))
        q = q.where(AuditLog.actor_id.in_(actors))
    if f.action:
        q = q.where(AuditLog.action == f.action)
    if f.object_type:
        q = q.where(AuditLog.object_type == f.object_type)
    if f.date_from:
        q = q.where(AuditLog.at >= datetime.combine(f.date_from, time()))
    if f.date_to:
        q = q.where(AuditLog.at < datetime.combine(f.date_to + timedelta(days=1), time()))
    if f.district:
        q = q.where(access.in_district(f.district))
    return q.order_by(AuditLog.id.desc())


@dataclass
class EntryPage:
    items: list
    persons: dict
    next_before: int | None


def page(user, f: Filters, per_page: int) -> EntryPage:
    q = filtered(user, f).options(joinedload(AuditLog.actor))
    if f.before:
        q = q.where(AuditLog.id < f.before)
    rows = list(db.session.scalars(q.limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return EntryPage(rows, people.persons_of(rows), rows[-1].id if more else None)
