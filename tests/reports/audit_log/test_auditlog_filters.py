"""Filters, keyset paging, export = the filtered rows, junk never 500, constant queries."""

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest

from portal.models import AuditLog
from portal.rules import mask_resident_id
from tests.factories import log_in
from tests.reports.audit_log.auditlog_world import seeded, write

URL = "/district/audit-log"
CENTRE = "/center/audit-log"


def _ids(body: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'id="entry-(\d+)"', body)]


def _listed(client, url=URL, **args) -> list[int]:
    return _ids(client.hx_get(url, query_string=args).get_data(as_text=True))


def _comments(db, ids) -> set[str]:
    return set(db.session.scalars(db.select(AuditLog.comment).where(AuditLog.id.in_(ids))))


def test_C_AUD_auditlog_filters_narrow_the_list(app, db, login):
    own, peer, centre = seeded()
    client = login(own.staff)
    assert _comments(db, _listed(client, person=own.apprentice.resident_id)) == {"甲学籍通过"}
    assert _comments(db, _listed(client, person=own.apprentice.name)) == {"甲学籍通过"}
    assert _comments(db, _listed(client, action="centre_approve")) == {"甲单位复核"}
    assert _comments(db, _listed(client, object_type="programme")) == {"甲项目通过"}
    assert _comments(db, _listed(client, actor=centre.username)) == {"甲单位复核"}
    # The organisation's own entry and those about its programme and apprentice.
    assert _comments(db, _listed(client, org=own.org.name)) == {"甲项目通过", "甲学籍通过",
                                                                 "甲单位复核"}
    tomorrow = date.today() + timedelta(days=2)
    assert _listed(client, date_from=tomorrow.isoformat()) == []
    assert _listed(client, date_to="2001-01-01") == []


def test_C_AUD_auditlog_newest_first_keyset_pages(app, db, login):
    own, peer, centre = seeded()
    for n in range(25):
        write(own.staff, "programme", own.programme.id, "edit", f"甲修改{n}")
    client = login(own.staff)
    first = _listed(client, object_type="programme")
    assert len(first) == 20 and first == sorted(first, reverse=True)
    body = client.get(URL, query_string={"object_type": "programme"}).get_data(as_text=True)
    assert f"before={first[-1]}" in body
    second = _listed(client, object_type="programme", before=first[-1])
    assert len(second) == 6 and not set(first) & set(second)  # 25 edits + the approval


def test_C_AUD_auditlog_export_matches_the_filter(app, db, login):
    own, peer, centre = seeded()
    write(own.staff, "enrolment", own.enrolment.id, "edit", f"甲改号 {own.apprentice.resident_id}")
    client = login(own.staff)
    args = {"object_type": "enrolment"}
    listed = _listed(client, **args)
    response = client.get(f"{URL}/export.xlsx", query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == listed
    assert {r[9] for r in rows} == {own.apprentice.name}
    masked = mask_resident_id(own.apprentice.resident_id)
    assert {r[10] for r in rows} == {masked}
    assert all(own.apprentice.resident_id not in str(v) for r in rows for v in r)
    assert "乙" not in "".join(str(v) for r in rows for v in r)


def test_C_AUD_auditlog_export_is_capped_with_a_message(app, db, login, monkeypatch):
    from portal.reports.audit_log import export

    own, peer, centre = seeded()
    monkeypatch.setattr(export, "EXPORT_CAP", 2)
    response = login(own.staff).get(f"{URL}/export.xlsx")
    rows = list(openpyxl.load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len([r for r in rows[1:] if isinstance(r[0], int)]) == 2
    assert "仅导出最新 2 条" in rows[-1][0]


JUNK = ["'", "%", "_", "\x00", "9" * 40, "9" * 15, str(2**31), "-1", "2026-13-45", "<script>", "０１", "💥",
        "1e309", "[]", "日期"]


@pytest.mark.parametrize("name", ["org", "person", "actor", "action", "object_type",
                                  "date_from", "date_to", "district", "before", "per_page"])
def test_auditlog_junk_filter_values_never_500(app, client, name):
    own, peer, centre = seeded()
    for url, user in ((URL, own.staff), (CENTRE, centre)):
        client = log_in(app.test_client(), user)
        for junk in JUNK:
            assert client.get(url, query_string={name: junk}).status_code == 200, (name, junk)
        assert client.get(f"{url}/export.xlsx", query_string={name: JUNK[0]}).status_code == 200


def test_auditlog_query_count_constant_at_two_sizes(app, db, login, count_queries):
    own, peer, centre = seeded()
    client = login(own.staff)

    def cost() -> int:
        client.get(URL)  # warm: the session and the user load once per request anyway
        with count_queries() as statements:
            assert client.get(URL).status_code == 200
        return len(statements)

    small = cost()
    for n in range(30):
        write(own.staff, "enrolment", own.enrolment.id, "edit", f"甲{n}")
        write(centre, "organisation", own.org.id, "edit", f"甲单位{n}")
    assert cost() == small
