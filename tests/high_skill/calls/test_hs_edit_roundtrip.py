"""The call form and a host's own organisation form round-trip (tests/core/test_edit_roundtrip):
opened and saved unchanged, each succeeds and changes nothing (HS-W1, HS-H1)."""

import pytest

from portal.models import HsCall, Organisation, OrgKind, ReviewState, Role
from tests.core.test_edit_roundtrip import Case, _errors, _save_unchanged, _snapshot
from tests.factories import make_user
from tests.high_skill.factories_calls import make_call, make_host

# The endpoints these cases open, for tests/core/test_edit_roundtrip.COVERED_ENDPOINTS.
COVERED_ENDPOINTS = {"center.edit_hs_call", "host.edit_organisation"}


def _call():
    call = make_call(directions="智能制造\n集成电路")
    return Case(make_user(Role.CENTER), f"/center/hs/calls/{call.id}/edit", HsCall, call.id)


def _host_organisation():
    org, user = make_host(OrgKind.HOST, ReviewState.RETURNED, host_type="research_institute")
    return Case(user, "/host/organisation/edit", Organisation, org.id)


CASES = {"hs_call": _call, "host_organisation": _host_organisation}


@pytest.mark.parametrize("record", sorted(CASES))
def test_HS_W1_HS_H1_edit_unchanged_saves_and_changes_nothing(client, login, db, record):
    case = CASES[record]()
    before = _snapshot(case)
    response = _save_unchanged(client, login, case)
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 302), _errors(body) or body
    assert _errors(body) == []
    db.session.expire_all()
    assert _snapshot(case) == before


def test_cases_cover_this_areas_edit_endpoints(app):
    mine = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.rstrip("/").endswith("/edit")
            and (rule.endpoint.startswith("host.") and "organisation" in rule.endpoint
                 or rule.endpoint.endswith("_hs_call"))}
    assert mine == COVERED_ENDPOINTS
