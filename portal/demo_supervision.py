"""Demo records of supervision and reports (issue 14): inspections, summons, suspensions,
fraud, audits, evaluations, notifications and jobs, on top of the story's programmes.

Each part seeds itself from its own package (`<package>.demo.seed(story)`); this module only
runs them in order so a newcomer sees every screen filled.
"""

import importlib

PARTS = (
    "portal.supervision.inspections.demo",
    "portal.supervision.escalation.demo",
    "portal.reports.jobs.demo",
    "portal.supervision.audits.demo",
    "portal.reports.notifications.demo",
)


def seed_supervision(story) -> None:
    for name in PARTS:
        importlib.import_module(name).seed(story)
