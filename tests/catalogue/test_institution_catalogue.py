"""The institution catalogue: approved institutions only (AP-I4), licence coverage and
validity (AP-I2), searchable and paginated in a constant number of queries."""

from datetime import date

import pytest

from portal.catalogue.institutions import approved_institutions, licence_valid_on
from portal.models import OrgKind, ReviewState, Role
from tests.factories import make_institution, make_occupation, make_org, make_user

URL = "/enterprise/institutions"


@pytest.fixture
def enterprise_user():
    return make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.APPROVED))


def _names(orgs) -> set[str]:
    return {o.name for o in orgs}


# --- approved_institutions(): what the programme form offers --------------------------


@pytest.mark.parametrize("state", [s for s in ReviewState if s != ReviewState.APPROVED])
def test_AP_I4_only_approved_institutions_are_in_the_catalogue(db, state):
    listed = make_institution(name="已确认机构")
    make_institution(name="未确认机构", state=state)
    make_org(OrgKind.ENTERPRISE, state=ReviewState.APPROVED, name="已确认企业")
    assert _names(approved_institutions()) == {listed.name}


def test_AP_I2_only_institutions_whose_licence_covers_the_occupation(db):
    welder, fitter = make_occupation("焊工"), make_occupation("钳工")
    both = make_institution(name="甲", occupations=[welder, fitter])
    make_institution(name="乙", occupations=[fitter])
    make_institution(name="丙")
    assert _names(approved_institutions(welder.id)) == {both.name}
    assert _names(approved_institutions(fitter.id)) == {"甲", "乙"}


@pytest.mark.parametrize(("valid_from", "valid_to", "listed"), [
    (date(2024, 1, 1), None, True),                  # no end date: no expiry
    (date(2024, 1, 1), date(2025, 3, 1), True),      # last day counts (inclusive)
    (date(2025, 3, 1), date(2026, 1, 1), True),      # first day counts
    (date(2024, 1, 1), date(2025, 2, 28), False),    # expired the day before
    (date(2025, 3, 2), None, False),                 # not yet in force
])
def test_AP_I2_licence_must_be_valid_on_the_date(db, valid_from, valid_to, listed):
    welder = make_occupation("焊工")
    org = make_institution(occupations=[welder], valid_from=valid_from, valid_to=valid_to)
    found = approved_institutions(welder.id, date(2025, 3, 1))
    assert (org in found) is listed
    assert licence_valid_on(org, date(2025, 3, 1)) is listed


def test_AP_I2_licence_must_cover_the_whole_period_when_asked(db):
    org = make_institution(valid_from=date(2024, 1, 1), valid_to=date(2025, 12, 31))
    assert org in approved_institutions(on=date(2025, 1, 1), until=date(2025, 12, 31))
    assert org not in approved_institutions(on=date(2025, 1, 1), until=date(2026, 12, 31))


# --- the page -------------------------------------------------------------------------


def test_AP_I4_page_lists_approved_institutions_with_type_validity_and_occupations(
        client, login, enterprise_user):
    welder = make_occupation("焊工", code="6-18-02-04")
    make_institution(name="北京市测试技师学院", occupations=[welder], district="110108",
                     institution_type="technical_school", valid_to=date(2099, 12, 31))
    make_institution(name="过期培训学校", institution_type="private",
                     valid_from=date(2010, 1, 1), valid_to=date(2011, 1, 1))
    make_institution(name="待审核学校", state=ReviewState.SUBMITTED)
    login(enterprise_user)
    page = client.get(URL).get_data(as_text=True)
    assert "北京市测试技师学院" in page and "过期培训学校" in page
    assert "待审核学校" not in page
    assert "技工院校" in page and "民办培训机构" in page and "海淀区" in page
    assert "6-18-02-04 焊工" in page and "2099-12-31" in page
    assert "有效" in page and "不在有效期内" in page


def test_AP_I4_search_by_name_and_by_occupation(client, login, enterprise_user):
    welder, cook = make_occupation("焊工", code="6-18-02-04"), make_occupation("中式烹调师")
    make_institution(name="朝阳焊接学校", occupations=[welder])
    make_institution(name="海淀烹饪学校", occupations=[cook])
    login(enterprise_user)
    by_name = client.get(URL, query_string={"q": "焊接"}).get_data(as_text=True)
    assert "朝阳焊接学校" in by_name and "海淀烹饪学校" not in by_name
    by_job = client.get(URL, query_string={"occupation": "烹调"}).get_data(as_text=True)
    assert "海淀烹饪学校" in by_job and "朝阳焊接学校" not in by_job
    by_code = client.get(URL, query_string={"occupation": "6-18"}).get_data(as_text=True)
    assert "朝阳焊接学校" in by_code and "海淀烹饪学校" not in by_code
    # LIKE wildcards in the search box are literal characters.
    assert "没有符合条件的培训机构" in client.get(URL, query_string={"q": "%"}).get_data(as_text=True)


def test_AP_I4_search_from_htmx_returns_only_the_results_fragment(client, login, enterprise_user):
    make_institution(name="片段测试学校")
    login(enterprise_user)
    fragment = client.hx_get(f"{URL}?q=片段").get_data(as_text=True)
    assert "<html" not in fragment and "<table" in fragment and "片段测试学校" in fragment


def test_AP_I4_catalogue_paginates(client, login, enterprise_user, app):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        make_institution(name=f"分页学校{n}")
    login(enterprise_user)
    first = client.get(URL).get_data(as_text=True)
    last = client.get(URL, query_string={"page": 3}).get_data(as_text=True)
    assert "分页学校0" in first and "分页学校1" in first and "分页学校2" not in first
    assert "分页学校4" in last and "分页学校0" not in last
    assert "第 1 / 3 页" in first


def test_AP_I4_catalogue_query_count_is_constant(client, login, enterprise_user, count_queries):
    occupations = [make_occupation() for _ in range(3)]
    make_institution(occupations=occupations[:1])
    login(enterprise_user)
    with count_queries() as few:
        client.get(URL)
    for _ in range(10):
        make_institution(occupations=occupations, district="110108")
    with count_queries() as many:
        client.get(URL)
    assert len(many) == len(few)


def test_AP_I4_catalogue_is_for_enterprises(client, login):
    login(make_user(Role.INSTITUTION, org=make_institution()))
    assert client.get(URL).status_code == 403
