"""TRANSITIONAL: the prefix-taking entry points the enterprise and institution views.py call.

The pages are in `portal.orgs.pages` and find their role view themselves; the prefix passed
here is redundant. Deleted once views.py no longer imports it.
"""

from portal.orgs import pages


def home(endpoint_prefix: str):
    return pages.home()


def edit(endpoint_prefix: str):
    return pages.edit()


def submit(endpoint_prefix: str):
    return pages.submit()
