"""Secure defaults on every response (ARCHITECTURE §7b)."""


def test_responses_carry_csp_and_hardening_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_load_no_external_assets(client):
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert "/static/vendor/htmx-2.0.11.min.js" in page
    asset = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert asset.status_code == 200
    asset.close()


def test_oversized_request_is_refused_in_chinese(client):
    response = client.post("/register/enterprise", data={"name": "x" * (13 * 1024 * 1024)})
    assert response.status_code == 413
