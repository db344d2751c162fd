"""The benchmark's X-SQL-Count header (portal/web/sql_count.py): off by default, counts when on."""

from portal.models import Role
from portal.web import sql_count
from tests.factories import make_user


def test_header_is_absent_by_default(client, login):
    login(make_user(Role.CENTER))
    response = client.get("/center/")
    assert response.status_code == 200
    assert sql_count.HEADER not in response.headers


def test_header_counts_the_statements_of_each_request(app, client, login, count_queries):
    app.config["BENCH_SQL_COUNT"] = True
    sql_count.init_app(app)
    login(make_user(Role.CENTER))
    with count_queries() as statements:
        response = client.get("/center/")
    assert response.status_code == 200
    # The user loader plus the overview's two grouped queries, at the least.
    assert int(response.headers[sql_count.HEADER]) == len(statements) >= 3
    # Counted per request: an anonymous page that runs no query says 0.
    client.post("/logout")
    assert client.get("/login").headers[sql_count.HEADER] == "0"
