"""No route answers 5xx to a huge integer, in the path, the query or a form, as any demo role.

Numbers past 2**63 - 1 used to reach SQLite and PostgreSQL and answer 500 (issue 10, item 7).
One app and one demo database (`flask seed-demo`) serve the whole module, so the walk over
the URL map stays fast.
"""

import logging
import shutil
import traceback

import pytest
import sqlalchemy as sa
import wtforms
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from portal import create_app
from portal.catalogue import sheets
from portal.cli import seed_demo
from portal.demo_data import DEMO_PASSWORD, ORGANISATIONS, STAFF, TRAINEE
from portal.extensions import db as _db
from portal.models import CatalogueKind, OrgKind, Programme, ReviewState
from tests.conftest import _TOKEN, PG_URL, PortalClient, _config, _empty_postgres

HUGE_IDS = (2**64, 10**20, 2**31)
HUGE = "99999999999999999999"
# One demo account of each role (the second district reviewer adds nothing), and nobody.
DEMO_USERS = ("anonymous", *(row[0] for row in STAFF if row[0] != "haidian"),
              *(row[0] for row in ORGANISATIONS if row[0] in ("qiye", "jigou")), TRAINEE[0])
# Logging out would turn the rest of a role's walk into anonymous redirects.
# A new initial password for a trainee ends the trainee's sessions (tests/security): it
# would sign the probe's trainee out too.
SKIPPED_ENDPOINTS = {"static", "auth.logout", "enterprise.enrolment_password"}
# Query arguments read by list pages, and url_for's own keywords (a copied query string
# must not break a link).
QUERY_NAMES = {"page", "per_page", "programme_id", "occupation_id", "enrolment_id", "from",
               "key", "session_id", "org_id", "status", "state", "district", "ids",
               "endpoint", "_anchor", "_method", "_scheme", "_external"}


class _LastError(logging.Handler):
    """Keeps the last logged exception and where in portal/ it was raised, for the report."""

    text = ""

    def emit(self, record):
        if record.exc_info:
            kind, error, trace = record.exc_info
            frames = [f for f in traceback.extract_tb(trace) if "/portal/" in f.filename]
            where = (f" at {frames[-1].filename.split('/portal/')[-1]}:{frames[-1].lineno}"
                     if frames else "")
            self.text = f"{kind.__name__}: {error}"[:200] + where


@pytest.fixture(scope="module")
def probe_app(database_template, tmp_path_factory):
    if PG_URL:
        _empty_postgres(database_template)
        uri = database_template
    else:
        target = tmp_path_factory.mktemp("probe") / "probe.sqlite3"
        shutil.copyfile(database_template, target)
        uri = f"sqlite:///{target}"
    app = create_app({**_config(uri), "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))})
    app.test_client_class = PortalClient
    app.extensions["probe_errors"] = errors = _LastError()
    app.logger.addHandler(errors)
    with app.app_context():
        seed_demo()
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(scope="module")
def clients(probe_app) -> dict:
    """label → (client signed in through the login form, its CSRF token)."""
    signed_in = {}
    for username in DEMO_USERS:
        client = probe_app.test_client()
        if username != "anonymous":
            response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 302, username
        page = client.get("/login", follow_redirects=True).get_data(as_text=True)
        signed_in[username] = (client, _TOKEN.search(page).group(1))
    return signed_in


def _all_forms() -> list[type]:
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _form_field_names() -> set[str]:
    """Every field of every form in the portal, so each gets a huge value."""
    return {name for cls in _all_forms() for name in dir(cls)
            if isinstance(getattr(cls, name, None), UnboundField)} - {"csrf_token"}


def _str_values(name: str) -> list[str]:
    """A huge number, and the real values of a string argument so the route gets past them."""
    known = {
        "kind": [k.value for k in OrgKind] + [k.value for k in CatalogueKind],
        "target": list(sheets.IMPORT_TARGETS),
        "field": sorted({f for cls in _all_forms() for f in getattr(cls, "LIVE_FIELDS", ())}),
    }
    return [HUGE, *known.get(name, [])]


def _paths(rule, ints) -> list[str]:
    """The rule's path with each int argument set to each of `ints`, strings to real values."""
    paths = [rule.rule]
    for arg in sorted(rule.arguments):
        converter = rule._converters[arg]
        values = ([str(i) for i in ints] if isinstance(converter, IntegerConverter)
                  else _str_values(arg))
        placeholder = f"<int:{arg}>" if f"<int:{arg}>" in rule.rule else f"<{arg}>"
        paths = [p.replace(placeholder, v) for p in paths for v in values]
    return paths


def _send(client, method, path, query, body, headers):
    if method == "GET":
        return client.get(path, query_string=query, headers=headers)
    return client.post(path, query_string=query, data=body, headers=headers, csrf=False)


def _probe(app, clients, ints, query, body, htmx_too=False) -> list[str]:
    """Every route, as every role; the list of requests that answered 5xx, and why."""
    errors = app.extensions["probe_errors"]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]
    failures = []
    for label, (client, token) in clients.items():
        for rule in rules:
            methods = [m for m in ("GET", "POST") if m in rule.methods]
            for path in _paths(rule, ints):
                for method in methods:
                    for hx in (False, True) if htmx_too else (False,):
                        headers = {"X-CSRFToken": token} | ({"HX-Request": "true"} if hx else {})
                        errors.text = ""
                        with _send(client, method, path, query, body, headers) as response:
                            if response.status_code >= 500:
                                failures.append(f"{label} {method} {path} htmx={hx}: "
                                                f"{response.status_code} {errors.text}")
        if label != "anonymous":  # the walk really ran signed in
            with client.get("/") as home:
                assert "/login" not in home.headers.get("Location", ""), label
    return failures


def test_no_route_answers_5xx_to_huge_integers_in_the_path(probe_app, clients):
    query = {"page": HUGE, "per_page": HUGE}
    failures = _probe(probe_app, clients, HUGE_IDS, query, {"page": HUGE})
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", [HUGE, str(2**31)])  # past SQLite's range; past PostgreSQL's
def test_no_route_answers_5xx_to_huge_query_or_form_values(probe_app, clients, value):
    """Real ids (the demo's first rows); every query argument and form field huge."""
    huge = dict.fromkeys(_form_field_names() | QUERY_NAMES, value)
    failures = _probe(probe_app, clients, (1,), huge, huge, htmx_too=True)
    assert not failures, "\n".join(failures)


def test_huge_ids_are_404(clients):
    """Past SQLite's 2**63 - 1 and past PostgreSQL's `integer` (2**31 - 1) alike."""
    district, _token = clients["chaoyang"]
    for programme_id in (2**64, 10**20, 2**63, 2**63 - 1, 2**31, 2**31 - 1):
        assert district.get(f"/district/programmes/{programme_id}").status_code == 404


def test_page_numbers_out_of_range_clamp_to_a_page(clients):
    enterprise, _token = clients["qiye"]
    for page in (HUGE, "-1", "abc", "0"):
        response = enterprise.get("/enterprise/programmes", query_string={"page": page})
        assert response.status_code == 200, page


def _approved_demo_programme() -> Programme:
    return _db.session.scalar(sa.select(Programme).where(Programme.state == ReviewState.APPROVED)
                              .order_by(Programme.id))


@pytest.mark.parametrize(("label", "url"), [
    ("qiye", "/enterprise/programmes/{programme}/apprentices/check/resident_id"),
    ("qiye", "/enterprise/programmes/check-plan"),
    ("anonymous", "/register/enterprise/check/credit_code"),
])
def test_live_field_checks_without_htmx_answer_400(probe_app, clients, label, url):
    client, _token = clients[label]
    url = url.format(programme=_approved_demo_programme().id)
    data = {"resident_id": "1", "credit_code": "1"}
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data=data, htmx=True).status_code == 200


def test_posted_ids_out_of_range_are_refused_not_500(probe_app, clients):
    """Ticked rows of an otherwise valid form: a forged huge id is refused like any unknown id."""
    programme = _approved_demo_programme()
    enterprise, _token = clients["qiye"]
    response = enterprise.post(f"/enterprise/programmes/{programme.id}/apprentices/agreement",
                               data={"signed_on": programme.start_date.isoformat(), "ids": HUGE})
    assert response.status_code == 302
    district, _token = clients["chaoyang"]
    for htmx in (False, True):
        response = district.post("/district/enrolments/approve", data={"ids": HUGE}, htmx=htmx)
        assert response.status_code in (200, 302), htmx
