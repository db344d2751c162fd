"""TRANSITIONAL: the prefix-taking entry points the district and centre views.py still call.

The pages are in `portal.orgs.pages` and find their role view themselves; the prefix and
default state passed here are redundant. Deleted once views.py no longer imports it.
"""

from portal.orgs import pages


def list_page(prefix: str, default_status=None):
    return pages.list_page()


def counts(prefix: str, default_status=None):
    return pages.counts()


def detail(prefix: str, org_id: int):
    return pages.detail(org_id)


def decide(prefix: str, org_id: int):
    return pages.decide(org_id)
