"""Role guards and district scoping (C-DIST), walked over the real URL map."""

import pytest

from portal.models import OrgKind, ReviewState, Role
from tests.factories import make_org, make_org_user, make_user

ROLE_PREFIXES = {
    "enterprise": Role.ENTERPRISE,
    "institution": Role.INSTITUTION,
    "district": Role.DISTRICT,
    "center": Role.CENTER,
    "checkin": Role.TRAINEE,
    "expert": Role.EXPERT,
    "host": Role.HOST,
    "auditor": Role.AUDITOR,
}


def _role_get_urls(app):
    """Every parameter-free GET route of a role blueprint, with its role."""
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in ROLE_PREFIXES and "GET" in rule.methods and not rule.arguments:
            yield rule.rule, ROLE_PREFIXES[blueprint]


def _user_for(role: Role):
    if role in (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST):
        return make_org_user(OrgKind(role.value))
    if role == Role.AUDITOR:  # an auditor belongs to its audit firm
        return make_user(role, org=make_org(OrgKind.AUDIT_FIRM, state=ReviewState.APPROVED))
    return make_user(role, district="110105")


def test_C_DIST_every_role_page_sends_anonymous_users_to_login(app, client):
    urls = list(_role_get_urls(app))
    assert len(urls) >= 6
    for url, _role in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", list(Role))
def test_C_DIST_wrong_role_gets_403_on_every_other_role_page(app, client, login, role):
    login(_user_for(role))
    for url, owner in _role_get_urls(app):
        expected = 200 if owner == role else 403
        assert client.get(url).status_code == expected, (role, url)


def test_C_DIST_district_reviewer_cannot_open_another_districts_record(client, login):
    chaoyang_org = make_org(district="110105", state=ReviewState.SUBMITTED)
    haidian_org = make_org(district="110108", state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    assert client.get(f"/district/organisations/{chaoyang_org.id}").status_code == 200
    assert client.get(f"/district/organisations/{haidian_org.id}").status_code == 404
    listing = client.get("/district/organisations").get_data(as_text=True)
    assert chaoyang_org.name in listing
    assert haidian_org.name not in listing


def test_C_DIST_district_reviewer_cannot_review_another_districts_record(client, login, db):
    haidian_org = make_org(district="110108", state=ReviewState.SUBMITTED)
    login(make_user(Role.DISTRICT, district="110105"))
    response = client.post(f"/district/organisations/{haidian_org.id}/review",
                           data={"decision": "approve"})
    assert response.status_code == 404
    db.session.refresh(haidian_org)
    assert haidian_org.state == ReviewState.SUBMITTED


def test_C_DIST_centre_sees_every_district(client, login):
    orgs = [make_org(district=d, state=ReviewState.DISTRICT_APPROVED) for d in ("110101", "110119", "110302")]
    login(make_user(Role.CENTER))
    listing = client.get("/center/organisations").get_data(as_text=True)
    for org in orgs:
        assert org.name in listing


def test_unknown_role_in_url_is_404_not_500(client, login):
    login(make_user(Role.CENTER))
    assert client.get("/superuser/").status_code == 404
    assert client.get("/register/admin").status_code == 404
