"""The trainee form round-trips (tests/core/test_edit_roundtrip): opened and saved unchanged,
it succeeds and changes nothing, key-industry flag and reason included (HS-E1)."""

import pytest

from portal.models import HsTrainee
from tests.core.test_edit_roundtrip import Case, _errors, _save_unchanged, _snapshot
from tests.high_skill.factories_rosters import add_trainees, make_project

# The endpoints these cases open, for tests/core/test_edit_roundtrip.COVERED_ENDPOINTS.
COVERED_ENDPOINTS = {"enterprise.hs_list_edit", "institution.hs_list_edit", "host.hs_list_edit"}


def _trainee(**fields):
    def case():
        project, user = make_project()
        trainee = add_trainees(project, 1, **fields)[0]
        return Case(user, f"/enterprise/hs/trainee-list/{trainee.id}/edit", HsTrainee,
                    trainee.id)
    return case


CASES = {"technician": _trainee(),
         "key_industry": _trainee(level="advanced", key_industry=True,
                                  key_industry_reason="集成电路重点岗位")}


@pytest.mark.parametrize("record", sorted(CASES))
def test_HS_E1_trainee_edit_unchanged_saves_and_changes_nothing(client, login, db, record):
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
            if rule.rule.rstrip("/").endswith("/edit") and rule.endpoint.endswith(".hs_list_edit")}
    assert mine == COVERED_ENDPOINTS
