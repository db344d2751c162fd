"""Issue 15 item 6: anonymous self-registration is rate-limited per client address."""


def test_registration_posts_are_limited_per_address(app, client):
    app.config["REGISTER_LIMIT"] = "3 per hour"
    for _ in range(3):
        assert client.post("/register/enterprise", data={}).status_code == 200
    blocked = client.post("/register/enterprise", data={})
    assert blocked.status_code == 429 and "注册提交过于频繁" in blocked.text
    assert client.get("/register/enterprise").status_code == 200  # reading the form is free
