"""HS-W8, HS-W9, HS-$1: the filed completion roster (结业登记备案名册) of a project.

Certificates and funding read the roster as it was filed (the newest completion filing's
snapshot), never the live trainee rows: what the host filed is what the centre pays for.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import FilingKind, HsFiling


@dataclass(frozen=True)
class RosterEntry:
    trainee_id: int
    name: str
    resident_id: str
    employer_name: str
    post: str
    occupation: str
    level: str
    certificate_number: str


@dataclass(frozen=True)
class FiledRoster:
    filing: HsFiling
    entries: tuple[RosterEntry, ...]

    @property
    def size(self) -> int:
        return len(self.entries)

    @property
    def trainee_ids(self) -> frozenset[int]:
        return frozenset(e.trainee_id for e in self.entries)


def _entry(raw: dict) -> RosterEntry:
    return RosterEntry(
        trainee_id=int(raw["trainee_id"]), name=str(raw.get("name", "")),
        resident_id=str(raw.get("resident_id", "")),
        employer_name=str(raw.get("employer_name", "")), post=str(raw.get("post", "")),
        occupation=str(raw.get("occupation", "")), level=str(raw.get("level", "")),
        certificate_number=str(raw.get("certificate_number", "")))


def filed_roster(proposal_id: int) -> FiledRoster | None:
    """The newest completion filing of the project and its roster (None: not filed yet)."""
    filing = db.session.scalar(
        sa.select(HsFiling)
        .where(HsFiling.proposal_id == proposal_id, HsFiling.kind == FilingKind.COMPLETION)
        .order_by(HsFiling.version.desc()).limit(1))
    if filing is None:
        return None
    raw = (filing.snapshot or {}).get("roster") or []
    # A trainee listed twice in a snapshot counts once (HS-$1 pays per person).
    seen: dict[int, RosterEntry] = {}
    for item in raw:
        entry = _entry(item)
        seen.setdefault(entry.trainee_id, entry)
    return FiledRoster(filing, tuple(seen.values()))


def listed_size(proposal_id: int) -> int:
    """HS-$1's other base: trainees on the newest filed list (list and plan, or a change)."""
    filing = db.session.scalar(
        sa.select(HsFiling)
        .where(HsFiling.proposal_id == proposal_id,
               HsFiling.kind.in_((FilingKind.LIST_AND_PLAN, FilingKind.CHANGE)))
        .order_by(HsFiling.version.desc()).limit(1))
    return len((filing.snapshot or {}).get("trainees") or []) if filing else 0
