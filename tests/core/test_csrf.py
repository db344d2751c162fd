"""CSRF stays on: htmx requests carry the token in a header, forms in a field."""

from portal.models import Role
from tests.factories import make_user


def test_htmx_post_with_csrf_header_passes(client):
    response = client.post("/register/enterprise/check/credit_code",
                           data={"credit_code": "91110105MA01DK8E71"}, htmx=True)
    assert response.status_code == 200


def test_post_without_csrf_token_is_refused_in_chinese(client):
    response = client.post("/register/enterprise/check/credit_code",
                           data={"credit_code": "x"}, htmx=True, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_logout_without_csrf_is_refused(client, login):
    login(make_user(Role.CENTER))
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/center/").status_code == 200


def test_every_page_carries_the_csrf_header_for_htmx(client):
    page = client.get("/login").get_data(as_text=True)
    assert "hx-headers='{\"X-CSRFToken\":" in page
