"""Every list page costs the same number of queries for few rows and for many (no N+1).

Each page is loaded on a small city, then again after `grow` has added rows of every kind
(different occupations, start dates, enterprises, states); the count must not change, and
must stay within the page's ceiling. A page added later joins PAGES.
"""

import pytest

from portal.worklist.registry import kinds_for
from tests.performance.world import build, grow


def _kinds(role: str) -> int:
    """The worklist kinds the role's home page counts (each package registers its own)."""
    return len(kinds_for(role))


# (role, url, ceiling). {p}: the enterprise's approved programme, {s}: its session today;
# "hx:" asks for the htmx fragment.
# The ceiling counts the login's own user query.
PAGES = [
    # Home pages: + one aggregate query per worklist kind of the role (portal/worklist), and
    # for the enterprise one more for the returned records' comments.
    ("district", "/district/", lambda: 6 + _kinds("district")),
    ("district", "/district/programmes", 6),
    ("district", "/district/programmes?status=all&per_page=100", 6),
    ("district", "/district/enrolments", 6),
    ("district", "/district/enrolments?status=all&per_page=100", 6),
    ("district", "/district/organisations", 5),
    ("district", "/district/status-changes", 5),
    ("district", "/district/status-changes?status=all", 5),
    ("district", "/district/quality", 6),
    ("district", "/district/programmes/{p}", 9),
    ("center", "/center/", lambda: 5 + _kinds("center")),
    ("center", "/center/programmes?status=all&per_page=100", 7),
    ("center", "/center/enrolments?status=all&per_page=100", 6),
    ("center", "/center/organisations?status=all", 5),
    ("center", "/center/status-changes?status=all", 5),
    ("center", "/center/quality", 7),
    ("center", "/center/catalogues", 6),
    ("center", "/center/parameters", 4),
    ("enterprise", "/enterprise/", lambda: 6 + _kinds("enterprise") + 1),
    ("enterprise", "/enterprise/programmes?status=all", 6),
    ("enterprise", "/enterprise/enrolments?status=all&per_page=100", 6),
    ("enterprise", "/enterprise/programmes/{p}/apprentices", 8),
    ("enterprise", "/enterprise/programmes/{p}/credits", 8),
    ("enterprise", "/enterprise/programmes/{p}/mentors", 8),
    ("enterprise", "/enterprise/mentors", 5),
    ("enterprise", "/enterprise/sessions", 6),
    ("enterprise", "/enterprise/leave?status=all", 5),
    ("enterprise", "/enterprise/status-changes?status=all", 5),
    ("enterprise", "/enterprise/quality", 6),
    ("enterprise", "/enterprise/institutions", 5),
    ("institution", "/institution/", lambda: 6 + _kinds("institution")),
    ("institution", "/institution/programmes?status=all", 6),
    ("institution", "/institution/mentors", 5),
    ("institution", "/institution/sessions", 6),
    ("institution", "/institution/programmes/{p}/credits", 8),
    ("institution", "/institution/sessions/{s}", 8),
    ("institution", "hx:/institution/sessions/{s}/attendees", 6),  # the live list, polled
    ("institution", "/institution/sessions/{s}/attendees", 9),  # opened as a page
    ("trainee", "/m/", lambda: 10 + _kinds("trainee")),
    ("trainee", "/m/leave", 6),
]


# Issue 14: every full page's header shows the user's unread notifications, one indexed
# count (core.notify.unread_count); an htmx fragment renders no header.
BADGE = 1


def _with_badge(ceiling):
    return (lambda: ceiling() + BADGE) if callable(ceiling) else ceiling + BADGE


PAGES = [(role, url, ceiling if url.startswith("hx:") else _with_badge(ceiling))
         for role, url, ceiling in PAGES]


@pytest.fixture
def world(app):
    return build()


def _queries(client, count_queries, url: str) -> list[str]:
    get = client.hx_get if url.startswith("hx:") else client.get
    url = url.removeprefix("hx:")
    get(url)  # warm: first-request work (the CSRF token, caches) is not the page's
    with count_queries() as statements:
        response = get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements


@pytest.mark.parametrize(("role", "url", "ceiling"), PAGES,
                         ids=[f"{role}:{url}" for role, url, _c in PAGES])
def test_list_page_queries_do_not_grow_with_rows(world, client, login, count_queries,
                                                 role, url, ceiling):
    url = url.format(p=world.programme.id, s=world.session.id)
    ceiling = ceiling() if callable(ceiling) else ceiling
    login(world.users[role])
    few = _queries(client, count_queries, url)
    grow(world, 3)
    many = _queries(client, count_queries, url)
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= ceiling, "\n".join(many)
