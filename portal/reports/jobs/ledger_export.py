"""AP-$6: the city-wide ledger export as a background job (issue 14 item 6). The rows, the
totals and the masking are the synchronous export's (`money.ledger.export`); only where it
runs differs: a city-wide year is too long for a request, so the centre gets a progress bar."""

from dataclasses import asdict
from pathlib import Path

from portal.core import jobs
from portal.extensions import db
from portal.models import Job, User
from portal.money.ledger import LedgerFilters
from portal.money.ledger import export as ledger_export

KIND = "ledger_export"


def start(user, filters: LedgerFilters) -> Job:
    """Queue the export of `user`'s ledger under `filters` (flushes; the view commits)."""
    return jobs.start(user, KIND, asdict(filters))


def file_name(filters: LedgerFilters) -> str:
    parts = ["补贴台账", filters.district or "全市", str(filters.year or "全部年度")]
    return "-".join(parts) + ".xlsx"


def run(params: dict, progress, out_path: Path) -> str:
    """The job: the starter's own scope (C-DIST) under the filters they chose."""
    user = db.session.get(User, params["user_id"])
    fields = LedgerFilters.__dataclass_fields__
    filters = LedgerFilters(**{k: v for k, v in params.items() if k in fields})
    out_path.write_bytes(ledger_export.ledger_xlsx(user, filters, progress=progress))
    return file_name(filters)


jobs.register(KIND, run, label="补贴台账导出（Excel）")
