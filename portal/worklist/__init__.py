"""The worklist (待办) at the top of every home page (C-REV, AP-W4, AP-P2, AP-M1, AP-A1,
C-DIST): for each role what waits for it, how many, since when, and a link to the list
that shows exactly those rows.

One registration point (`register` a `WorkKind`), one aggregate query per kind, each built
on the domain's own scope function so a district counts only its district.
"""

from portal.worklist import kinds as _kinds  # noqa: F401  (registers issue 11's kinds)
from portal.worklist.registry import Returned, WorkKind, Worklist, register, worklist_for

__all__ = ["Returned", "WorkKind", "Worklist", "register", "worklist_for"]
