"""The centre's occupation catalogue and its dated lists (AP-P5), through the real views."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.catalogue import admin as catalogue_admin
from portal.catalogue import lookups as catalogues
from portal.catalogue.lookups import memberships
from portal.cli import seed_demo
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import (
    AuditLog,
    CatalogueItem,
    CatalogueKind,
    CatalogueVersion,
    Occupation,
    OrgKind,
    ReviewState,
    Role,
)
from tests.factories import make_org, make_org_user, make_user

URGENT = CatalogueKind.URGENT


def occupation(code: str, name: str, levels: str = "intermediate,advanced",
               is_demo: bool = False) -> Occupation:
    row = Occupation(code=code, name=name, levels=levels, is_demo=is_demo)
    db.session.add(row)
    db.session.commit()
    return row


def version(kind: CatalogueKind, effective_from, occupations, note: str = "") -> CatalogueVersion:
    """A version written directly, as history: the service refuses to back-date one."""
    row = CatalogueVersion(kind=kind, effective_from=effective_from, note=note)
    row.items = [CatalogueItem(occupation_id=o.id) for o in occupations]
    db.session.add(row)
    db.session.commit()
    return row


def audit_rows(object_type: str) -> list[AuditLog]:
    return list(db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == object_type).order_by(AuditLog.id)))


@pytest.fixture
def centre(login):
    user = make_user(Role.CENTER)
    login(user)
    return user


# ---------------------------------------------------------------------------- AP-P5 versions


def test_AP_P5_membership_changes_on_the_new_versions_effective_date(client, centre):
    turner = occupation("6-18-01-01", "车工")
    grinder = occupation("6-18-01-04", "磨工")
    today = catalogues.today()
    version(URGENT, today - timedelta(days=100), [turner])
    start = today + timedelta(days=30)

    response = client.post("/center/catalogues/lists/urgent/new", data={
        "effective_from": start.isoformat(), "note": "京人社能发〔2026〕1号",
        "occupation_ids": [str(grinder.id)]})
    assert response.status_code == 302

    day_before = memberships([turner.id, grinder.id], start - timedelta(days=1))
    on_the_day = memberships([turner.id, grinder.id], start)
    assert day_before == {turner.id: {URGENT}, grinder.id: set()}
    assert on_the_day == {turner.id: set(), grinder.id: {URGENT}}

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    added, removed = page.split("新增 1 个")[1].split("移出 1 个")
    assert "磨工" in added and "车工" not in added
    assert "车工" in removed


def test_AP_P5_list_page_highlights_the_version_in_force(client, centre):
    turner = occupation("6-18-01-01", "车工")
    today = catalogues.today()
    version(URGENT, today - timedelta(days=400), [turner], note="旧版")
    version(URGENT, today - timedelta(days=10), [turner], note="现行版")
    version(URGENT, today + timedelta(days=10), [], note="下一版")
    page = client.get("/center/catalogues/lists/urgent").get_data(as_text=True)
    rows = {note: row for row in page.split("<tr")[1:] for note in ("旧版", "现行版", "下一版")
            if note in row}
    assert 'aria-current="true"' in rows["现行版"] and "现行" in rows["现行版"]
    assert "待生效" in rows["下一版"] and "修改" in rows["下一版"]
    assert "已停止施行" in rows["旧版"] and 'aria-current' not in rows["旧版"]


def test_AP_P5_version_in_force_is_immutable_and_nothing_is_back_dated(client, centre):
    turner = occupation("6-18-01-01", "车工")
    today = catalogues.today()
    in_force = version(URGENT, today, [turner])

    same_day = client.post("/center/catalogues/lists/urgent/new", data={
        "effective_from": today.isoformat(), "occupation_ids": []})
    back_dated = client.post("/center/catalogues/lists/urgent/new", data={
        "effective_from": (today - timedelta(days=1)).isoformat(), "occupation_ids": []})

    assert same_day.status_code == 200 and "已经生效，不能再修改" in same_day.get_data(as_text=True)
    assert back_dated.status_code == 200
    assert "不能早于今天" in back_dated.get_data(as_text=True)
    assert memberships([turner.id], today)[turner.id] == {URGENT}
    assert db.session.scalar(sa.select(sa.func.count(CatalogueVersion.id))) == 1
    assert not audit_rows("catalogue_version")
    assert in_force.effective_from == today


def test_AP_P5_future_version_is_replaced_not_duplicated(client, centre):
    turner = occupation("6-18-01-01", "车工")
    grinder = occupation("6-18-01-04", "磨工")
    start = catalogues.today() + timedelta(days=5)
    for chosen in ([turner], [grinder]):
        response = client.post("/center/catalogues/lists/assessment_scope/new", data={
            "effective_from": start.isoformat(), "occupation_ids": [str(o.id) for o in chosen]})
        assert response.status_code == 302
    versions = db.session.scalars(sa.select(CatalogueVersion)).all()
    assert len(versions) == 1
    assert memberships([turner.id, grinder.id], start) == {
        turner.id: set(), grinder.id: {CatalogueKind.ASSESSMENT_SCOPE}}
    assert [a.action for a in audit_rows("catalogue_version")] == ["create", "replace"]


def test_AP_P5_new_version_page_starts_from_the_newest_list(client, centre):
    turner = occupation("6-18-01-01", "车工", is_demo=True)
    grinder = occupation("6-18-01-04", "磨工")
    version(URGENT, catalogues.today() - timedelta(days=3), [turner])
    page = client.get("/center/catalogues/lists/urgent/new").get_data(as_text=True)
    ticked = re.findall(r'<input checked[^>]*value="(\d+)"', page)
    assert ticked == [str(turner.id)]
    assert f'value="{grinder.id}"' in page
    assert "车工（演示数据）" in page


def test_AP_P5_service_refuses_unknown_occupations(db):
    centre_user = make_user(Role.CENTER)
    with pytest.raises(ServiceError, match="不在职业目录"):
        catalogue_admin.create_list_version(
            centre_user, URGENT, catalogues.today() + timedelta(days=1), [987654])


# ---------------------------------------------------------------------------- occupations


def test_occupation_list_search_is_a_fragment_for_htmx_and_a_page_without(client, centre):
    occupation("6-18-01-01", "车工")
    occupation("4-10-01-05", "养老护理员")
    fragment = client.hx_get("/center/catalogues?q=养老").get_data(as_text=True)
    page = client.get("/center/catalogues?q=养老").get_data(as_text=True)
    assert "<html" not in fragment and "<table" in fragment
    assert "养老护理员" in fragment and "车工" not in fragment
    assert "<html" in page and "养老护理员" in page and 'hx-push-url="true"' in page
    by_code = client.hx_get("/center/catalogues?q=6-18").get_data(as_text=True)
    assert "车工" in by_code and "养老护理员" not in by_code


def test_occupation_list_filters_by_list_in_force_on_a_date(client, centre):
    turner = occupation("6-18-01-01", "车工")
    occupation("6-18-01-04", "磨工")
    today = catalogues.today()
    version(URGENT, today + timedelta(days=10), [turner])
    now = client.hx_get("/center/catalogues?list=urgent").get_data(as_text=True)
    later_day = (today + timedelta(days=10)).isoformat()
    later = client.hx_get(f"/center/catalogues?list=urgent&on={later_day}").get_data(as_text=True)
    assert "车工" not in now and "没有符合条件" in now
    assert "车工" in later and "磨工" not in later and "急需紧缺" in later


def test_demo_occupations_are_labelled_on_the_list(client, centre):
    seed_demo()
    db.session.commit()
    page = client.get("/center/catalogues?q=车工").get_data(as_text=True)
    row = page.split('id="occ-')[1]
    assert "车工" in row and "演示数据" in row


def test_occupation_list_query_count_is_constant(client, centre, count_queries):
    turner, *_ = [occupation(f"6-18-01-{n:02d}", f"工种{n}") for n in range(1, 4)]
    version(URGENT, catalogues.today(), [turner])
    with count_queries() as few:
        assert client.get("/center/catalogues").status_code == 200
    for n in range(4, 21):
        occupation(f"6-18-01-{n:02d}", f"工种{n}")
    with count_queries() as many:
        page = client.get("/center/catalogues").get_data(as_text=True)
    assert page.count('id="occ-') == 20
    assert len(many) == len(few)


def test_occupation_list_paginates(client, centre):
    for n in range(1, 23):
        occupation(f"6-18-01-{n:02d}", f"工种{n}")
    first = client.get("/center/catalogues").get_data(as_text=True)
    second = client.get("/center/catalogues?page=2").get_data(as_text=True)
    assert first.count('id="occ-') == 20 and 'rel="next"' in first
    assert second.count('id="occ-') == 2 and "工种22" in second


def test_inline_edit_swaps_the_row_and_audits(client, centre):
    turner = occupation("6-18-01-01", "车工")
    form = client.hx_get(f"/center/catalogues/occupations/{turner.id}/edit").get_data(as_text=True)
    assert "<html" not in form and form.lstrip().startswith("<tr")
    assert f'name="o{turner.id}-name"' in form and 'hx-target="closest tr"' in form

    response = client.post(f"/center/catalogues/occupations/{turner.id}/edit", htmx=True, data={
        f"o{turner.id}-name": "车工（数控）",
        f"o{turner.id}-levels": ["advanced", "intermediate", "technician"]})
    row = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in row
    assert row.lstrip().startswith("<tr") and "车工（数控）" in row and "<form" not in row
    assert "occupationChanged" in response.headers["HX-Trigger"]
    db.session.refresh(turner)
    assert (turner.name, turner.levels) == ("车工（数控）", "intermediate,advanced,technician")
    [entry] = audit_rows("occupation")
    assert entry.action == "edit" and "车工 → 车工（数控）" in entry.comment


def test_inline_edit_errors_come_back_in_the_row(client, centre):
    turner = occupation("6-18-01-01", "车工")
    response = client.post(f"/center/catalogues/occupations/{turner.id}/edit", htmx=True,
                           data={f"o{turner.id}-name": ""})
    row = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in row
    assert "请填写职业（工种）名称" in row and "请至少选择一个等级" in row
    db.session.refresh(turner)
    assert turner.name == "车工"
    assert not audit_rows("occupation")


def test_edit_without_javascript_is_a_full_page(client, centre):
    turner = occupation("6-18-01-01", "车工")
    page = client.get(f"/center/catalogues/occupations/{turner.id}/edit").get_data(as_text=True)
    assert "<html" in page and "编辑职业（工种）" in page
    response = client.post(f"/center/catalogues/occupations/{turner.id}/edit", data={
        f"o{turner.id}-name": "车工", f"o{turner.id}-levels": ["technician"]})
    assert response.status_code == 302
    db.session.refresh(turner)
    assert turner.levels == "technician"


def test_add_occupation_checks_code_format_and_uniqueness(client, centre):
    occupation("6-18-01-01", "车工")
    bad = client.post("/center/catalogues/occupations/new", data={
        "code": "6-18-1-01", "name": "某工", "levels": ["intermediate"]}).get_data(as_text=True)
    taken = client.post("/center/catalogues/occupations/new", data={
        "code": "6-18-01-01", "name": "某工", "levels": ["intermediate"]}).get_data(as_text=True)
    assert "X-XX-XX-XX" in bad and "已在职业目录中" in taken
    response = client.post("/center/catalogues/occupations/new", data={
        "code": "６-18-01-01-02", "name": "数控车工", "levels": ["advanced"]})
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Occupation).where(Occupation.name == "数控车工"))
    assert created.code == "6-18-01-01-02" and not created.is_demo
    [entry] = audit_rows("occupation")
    assert (entry.action, entry.object_id) == ("create", created.id)


def test_services_refuse_anyone_but_the_centre(db):
    district = make_user(Role.DISTRICT, district="110105")
    turner = occupation("6-18-01-01", "车工")
    with pytest.raises(NotAllowed):
        catalogue_admin.create_occupation(district, "6-18-01-02", "铣工", ["intermediate"])
    with pytest.raises(NotAllowed):
        catalogue_admin.update_occupation(district, turner, "车工", ["advanced"])
    with pytest.raises(NotAllowed):
        catalogue_admin.create_list_version(district, URGENT, catalogues.today(), [])
    with pytest.raises(NotAllowed):
        catalogue_admin.add_parameter_value(district, "min_monthly_wage", 3000,
                                            catalogues.today(), "调整")


CENTRE_URLS = [
    ("get", "/center/catalogues"),
    ("get", "/center/catalogues/occupations/new"),
    ("post", "/center/catalogues/occupations/new"),
    ("get", "/center/catalogues/occupations/{id}/edit"),
    ("post", "/center/catalogues/occupations/{id}/edit"),
    ("get", "/center/catalogues/lists/urgent"),
    ("post", "/center/catalogues/lists/urgent/new"),
    ("get", "/center/catalogues/export.xlsx"),
    ("get", "/center/catalogues/template/occupations.xlsx"),
    ("post", "/center/catalogues/import/occupations"),
    ("post", "/center/catalogues/import/occupations/confirm"),
    ("get", "/center/parameters"),
    ("post", "/center/parameters"),
]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CENTER])
def test_non_centre_roles_get_403(client, login, role):
    turner = occupation("6-18-01-01", "车工")
    if role in (Role.ENTERPRISE, Role.INSTITUTION, Role.HOST):
        login(make_org_user(OrgKind(role.value)))
    elif role == Role.AUDITOR:  # an auditor belongs to its audit firm
        login(make_user(role, org=make_org(OrgKind.AUDIT_FIRM, state=ReviewState.APPROVED)))
    else:
        login(make_user(role, district="110105"))
    for method, url in CENTRE_URLS:
        response = getattr(client, method)(url.format(id=turner.id))
        assert response.status_code == 403, (role, method, url)
    db.session.refresh(turner)
    assert turner.name == "车工"
    assert not audit_rows("occupation")
