"""The annex-1 form round-trips (tests/core/test_edit_roundtrip): a draft opened and saved
unchanged succeeds and changes nothing, for each host blueprint (HS-W2)."""

import pytest

from portal.models import HsProposal, OrgKind
from tests.core.test_edit_roundtrip import Case, _errors, _save_unchanged, _snapshot
from tests.high_skill.factories_proposals import make_call, make_host, make_proposal

# The endpoints these cases open, for tests/core/test_edit_roundtrip.COVERED_ENDPOINTS.
COVERED_ENDPOINTS = {"enterprise.edit_hs_proposal", "institution.edit_hs_proposal",
                     "host.edit_hs_proposal"}


def _case(kind: OrgKind, blueprint: str, **fields) -> Case:
    org, user = make_host(kind)
    proposal = make_proposal(org, make_call(), **fields)
    return Case(user, f"/{blueprint}/hs/proposals/{proposal.id}/edit", HsProposal, proposal.id)


CASES = {
    "enterprise": lambda: _case(OrgKind.ENTERPRISE, "enterprise"),
    "institution": lambda: _case(OrgKind.INSTITUTION, "institution"),
    # A flagged plan (HS-P4) keeps its reason through the round trip.
    "host_flagged": lambda: _case(OrgKind.HOST, "host", hours_onsite=10,
                                  hours_reason="分阶段研修\n另有线上自学"),
}


@pytest.mark.parametrize("record", sorted(CASES))
def test_HS_W2_edit_unchanged_saves_and_changes_nothing(client, login, db, record):
    case = CASES[record]()
    before = _snapshot(case)
    response = _save_unchanged(client, login, case)
    body = response.get_data(as_text=True)
    assert response.status_code == 302, _errors(body) or body
    db.session.expire_all()
    assert _snapshot(case) == before


def test_cases_cover_this_areas_edit_endpoints(app):
    mine = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.rstrip("/").endswith("/edit") and "hs_proposal" in rule.endpoint}
    assert mine == COVERED_ENDPOINTS
