"""The 第三方审计机构 role (AP-V4, HS-W10): read-only access to the programmes and years the
centre granted its firm. The blueprint serves GET pages only (its home, a programme's
records, the evidence packages); signing out and changing the password are the auth
blueprint's, so an auditor's POST anywhere else is refused by a role guard (403) or matches
no route (405)."""

from portal.blueprints.auditor import views  # noqa: F401  (registers the home page)
from portal.blueprints.auditor.blueprint import bp
from portal.blueprints.domains import bind_domains

bind_domains(bp)

__all__ = ["bp"]
