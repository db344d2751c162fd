"""The worklist (待办) on every home page: per role what waits, how many, since when, and a
link to the list that shows exactly those rows (C-REV, AP-W4, AP-P2, AP-M1, AP-A1, C-DIST).

Each role's test seeds waiting items (and some that do not wait, or belong to someone
else), reads every count and link off the home page, follows the link and counts the rows
of the list by their id markers.
"""

import html
import re
from datetime import datetime, timedelta

import pytest

from portal.clock import beijing_day_bounds
from portal.core import audit
from portal.extensions import db as _db
from portal.models import (
    ChangeState,
    EnrolmentState,
    LeaveState,
    OrgKind,
    ReviewState,
    Role,
)
from portal.models.base import utcnow
from portal.worklist import worklist_for
from portal.worklist.registry import kinds_for
from tests.enrolment_factories import (
    make_agreement,
    make_class_session,
    make_enrolment,
    make_leave,
    make_status_change,
    trainee_of,
)
from tests.factories import make_org, make_user
from tests.programme_factories import make_institution, make_occupation, make_programme

_WORK = re.compile(r'<li id="work-([\w-]+)"><a href="([^"]+)">.*?'
                   r'<strong class="work-count">(\d+)</strong>(.*?)</a></li>', re.S)


def worklist(page: str) -> dict[str, tuple[int, str, str]]:
    """key → (count, link, the age text) of each kind shown on a home page."""
    return {key: (int(count), html.unescape(url),
                  re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", rest)).strip())
            for key, url, count, rest in _WORK.findall(page)}


def rows(page: str, prefix: str) -> set[int]:
    return {int(i) for i in re.findall(rf'<tr id="{prefix}-(\d+)"', page)}


def follow(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def home(client, url: str) -> dict[str, tuple[int, str, str]]:
    return worklist(follow(client, url))


def _today_noon() -> datetime:
    """Noon of today in Beijing as stored (naive UTC): 'today' whatever the hour of the run."""
    from portal.apprenticeship.training import attendance

    start, _end = beijing_day_bounds(attendance.today())
    return start + timedelta(hours=12)


def _returned(object_type: str, record, comment: str, days_ago: int = 1):
    """A reviewer's return: the record's decided_at and the audit row with the comment."""
    record.decided_at = utcnow() - timedelta(days=days_ago)
    entry = audit.record(None, object_type, record.id, "return", from_state="submitted",
                         to_state="returned", comment=comment)
    entry.at = record.decided_at
    _db.session.commit()


# --- District: organisations, programmes, apprentices, changes of status (C-DIST) -----------


def test_C_DIST_district_worklist_counts_equal_the_rows_behind_its_links(client, login, db):
    three_days_ago = utcnow() - timedelta(days=3)
    for _ in range(2):
        make_org(state=ReviewState.SUBMITTED, submitted_at=three_days_ago)
    make_org(district="110108", state=ReviewState.SUBMITTED)  # another district's
    make_org(state=ReviewState.DRAFT)  # not sent yet
    for _ in range(2):
        make_programme(state=ReviewState.SUBMITTED, submitted_at=utcnow())
    make_programme(state=ReviewState.SUBMITTED, district="110108")
    approved = make_programme(state=ReviewState.APPROVED)
    for _ in range(3):
        make_enrolment(EnrolmentState.SUBMITTED, programme=approved, submitted_at=utcnow())
    make_enrolment(EnrolmentState.SUBMITTED,
                   programme=make_programme(state=ReviewState.APPROVED, district="110108"))
    make_status_change(make_enrolment(programme=approved))
    make_status_change(make_enrolment(programme=approved), state="approved")

    login(make_user(Role.DISTRICT, district="110105"))
    work = home(client, "/district/")

    expected = {"district-organisations": (2, "organisation"),
                "district-programmes": (2, "programme"),
                "district-enrolments": (3, "enrolment"),
                "district-status-changes": (1, "status-change")}
    assert {key: count for key, (count, _url, _age) in work.items()} == {
        key: count for key, (count, _prefix) in expected.items()}
    for key, (count, prefix) in expected.items():
        assert len(rows(follow(client, work[key][1]), prefix)) == count, key
    assert work["district-organisations"][2] == "最早 3 天前"
    assert work["district-enrolments"][2] == "最早今天"


def test_C_REV_district_with_nothing_waiting_says_so(client, login, db):
    make_org(state=ReviewState.SUBMITTED, district="110108")  # not this district's
    login(make_user(Role.DISTRICT, district="110105"))
    page = follow(client, "/district/")
    assert "暂无待办" in page and worklist(page) == {}


# --- Centre: re-reviews ------------------------------------------------------------------


def test_AP_W1_centre_worklist_counts_equal_the_rows_behind_its_links(client, login, db):
    for district in ("110105", "110108"):
        make_programme(state=ReviewState.DISTRICT_APPROVED, district=district,
                       decided_at=utcnow() - timedelta(days=2))
    make_programme(state=ReviewState.SUBMITTED)  # still at the district
    org = make_org(state=ReviewState.DISTRICT_APPROVED)

    login(make_user(Role.CENTER))
    work = home(client, "/center/")

    assert {k: c for k, (c, _u, _a) in work.items()} == {"center-programmes": 2,
                                                        "center-organisations": 1}
    assert len(rows(follow(client, work["center-programmes"][1]), "programme")) == 2
    assert rows(follow(client, work["center-organisations"][1]), "organisation") == {org.id}
    assert work["center-programmes"][2] == "最早 2 天前"


# --- Enterprise: returned records with the comment, leave, sessions, mentors, agreements ---


def test_C_REV_enterprise_worklist_counts_equal_the_rows_behind_its_links(client, login, db):
    enterprise = make_org(state=ReviewState.RETURNED)
    _returned("organisation", enterprise, "请上传清晰的营业执照")
    programme = make_programme(state=ReviewState.APPROVED, enterprise=enterprise)
    returned_programme = make_programme(state=ReviewState.RETURNED, enterprise=enterprise)
    _returned("programme", returned_programme, "请补充校企合作协议", days_ago=4)
    make_programme(state=ReviewState.DRAFT, enterprise=enterprise)

    # AP-M1 / AP-A1: two returned registrations lack both mentors and an agreement; one
    # apprentice in training lacks mentors; the others are complete.
    first, second = (make_enrolment(EnrolmentState.RETURNED, programme=programme)
                     for _ in range(2))
    _returned("enrolment", first, "劳动合同起始日期有误")
    _returned("enrolment", second, "请核对身份证号码")
    unmentored = make_enrolment(programme=programme)
    change = make_status_change(unmentored, state=ChangeState.RETURNED.value)
    _returned("status_change", change, "请补充医院证明")
    on_leave = [make_enrolment(programme=programme, mentored=True) for _ in range(2)]
    for enrolment in on_leave:
        make_leave(enrolment)
    make_leave(on_leave[0], state=LeaveState.APPROVED)
    submitted = make_enrolment(EnrolmentState.SUBMITTED, programme=programme, mentored=True)
    make_agreement(programme, [submitted])
    make_class_session(programme, starts_at=_today_noon())
    make_class_session(programme, starts_at=_today_noon() - timedelta(days=2))
    make_enrolment(EnrolmentState.RETURNED)  # another enterprise's

    login(make_user(Role.ENTERPRISE, org=enterprise))
    page = follow(client, "/enterprise/")
    work = worklist(page)

    lists = {"returned-programmes": (1, "programme"), "returned-enrolments": (2, "enrolment"),
             "returned-status-changes": (1, "status-change"), "leave-to-decide": (2, "leave"),
             "sessions-today": (1, "session"), "missing-mentor": (3, "enrolment"),
             "missing-agreement": (2, "enrolment")}
    assert {k: c for k, (c, _u, _a) in work.items()} == {
        "returned-organisation": 1, **{k: c for k, (c, _p) in lists.items()}}
    for key, (count, prefix) in lists.items():
        assert len(rows(follow(client, work[key][1]), prefix)) == count, key
    assert rows(follow(client, work["missing-mentor"][1]), "enrolment") == {
        first.id, second.id, unmentored.id}
    assert follow(client, work["returned-organisation"][1])  # the edit page opens
    assert work["returned-programmes"][2] == "最早 4 天前"
    assert work["sessions-today"][2] == "最早 12:00"  # Beijing time of today's session

    # The returned records, oldest first, each with its reviewer's comment and its page.
    for comment in ("请补充校企合作协议", "劳动合同起始日期有误", "请核对身份证号码", "请补充医院证明"):
        assert comment in page
    assert f'href="/enterprise/programmes/{returned_programme.id}"' in page
    assert f'href="/enterprise/enrolments/{first.id}"' in page
    assert f'href="/enterprise/status-changes/{change.id}"' in page
    assert page.index("请补充校企合作协议") < page.index("劳动合同起始日期有误")


# --- Institution: consents to give, sessions today ---------------------------------------


def test_AP_W1_institution_worklist_counts_equal_the_rows_behind_its_links(client, login, db):
    occupation = make_occupation()
    institution = make_institution([occupation])
    mine = dict(occupation=occupation, institution=institution)
    waiting = [make_programme(state=ReviewState.DRAFT, confirmed=False, **mine),
               make_programme(state=ReviewState.RETURNED, confirmed=False, **mine)]
    make_programme(state=ReviewState.DRAFT, confirmed=True, **mine)  # already consented
    make_programme(state=ReviewState.SUBMITTED, confirmed=True, **mine)
    make_programme(state=ReviewState.DRAFT, confirmed=False)  # another institution's
    approved = make_programme(state=ReviewState.APPROVED, **mine)
    session = make_class_session(approved, starts_at=_today_noon())
    make_class_session(approved, starts_at=_today_noon() + timedelta(days=1))

    login(make_user(Role.INSTITUTION, org=institution))
    work = home(client, "/institution/")

    assert {k: c for k, (c, _u, _a) in work.items()} == {"consents": 2, "sessions-today": 1}
    assert rows(follow(client, work["consents"][1]), "programme") == {p.id for p in waiting}
    assert rows(follow(client, work["sessions-today"][1]), "session") == {session.id}


def test_AP_W4_returned_institution_sees_its_own_record_in_the_worklist(client, login, db):
    institution = make_institution([make_occupation()], state=ReviewState.RETURNED)
    _returned("organisation", institution, "许可证已过期")
    login(make_user(Role.INSTITUTION, org=institution))
    page = follow(client, "/institution/")
    work = worklist(page)
    assert work["returned-organisation"][:2] == (1, "/institution/organisation/edit")
    assert "许可证已过期" in page  # the banner above the record keeps the comment


# --- Trainee: today's sessions, own leave ------------------------------------------------


def test_AP_P2_trainee_worklist_counts_equal_the_rows_behind_its_links(client, login, db):
    enrolment = make_enrolment()
    programme_sessions = [make_class_session_for(enrolment) for _ in range(2)]
    make_class_session_for(enrolment, days=-1)  # yesterday's
    make_leave(enrolment)
    make_leave(enrolment, state=LeaveState.APPROVED)
    make_leave(make_enrolment())  # somebody else's

    login(trainee_of(enrolment))
    page = follow(client, "/m/")
    work = worklist(page)

    assert {k: c for k, (c, _u, _a) in work.items()} == {"trainee-sessions-today": 2,
                                                        "trainee-leave": 1}
    url = work["trainee-sessions-today"][1]
    assert url == "/m/#today"
    shown = {int(i) for i in re.findall(r'<li id="session-(\d+)"', follow(client, url))}
    assert shown == {s.id for s in programme_sessions}
    leave_page = follow(client, work["trainee-leave"][1])
    cards = re.split(r'<li class="leave-card" id="leave-\d+">', leave_page)[1:]
    assert sum("badge-requested" in card for card in cards) == 1


def make_class_session_for(enrolment, days: int = 0):
    from portal.models import Programme

    programme = _db.session.get(Programme, enrolment.programme_id)
    return make_class_session(programme, starts_at=_today_noon() + timedelta(days=days))


# --- One aggregate query per kind, however many rows -------------------------------------


@pytest.mark.parametrize("rows_each", [1, 4])
def test_C_DIST_worklist_is_one_query_per_kind(app, db, count_queries, rows_each):
    approved = make_programme(state=ReviewState.APPROVED)
    for _ in range(rows_each):
        make_org(state=ReviewState.SUBMITTED)
        make_enrolment(EnrolmentState.SUBMITTED, programme=approved)
    district = make_user(Role.DISTRICT, district="110105")
    db.session.refresh(district)  # the user as a request has it: loaded at login
    with app.test_request_context(), count_queries() as statements:
        work = worklist_for(district)
    # One query per kind, however many kinds later issues register (issue 12 adds some).
    assert len(statements) == len(kinds_for(Role.DISTRICT)) >= 4
    assert {w.key: w.count for w in work.waiting} == {"district-organisations": rows_each,
                                                      "district-enrolments": rows_each}


@pytest.mark.parametrize("returned", [1, 5])
def test_C_REV_returned_comments_are_one_query_not_one_per_row(app, db, count_queries,
                                                               returned):
    enterprise = make_org(kind=OrgKind.ENTERPRISE, state=ReviewState.APPROVED)
    programme = make_programme(state=ReviewState.APPROVED, enterprise=enterprise)
    for n in range(returned):
        _returned("enrolment", make_enrolment(EnrolmentState.RETURNED, programme=programme),
                  f"意见{n}")
    user = make_user(Role.ENTERPRISE, org=enterprise)
    db.session.refresh(user)  # the user as a request has it: loaded at login
    with app.test_request_context(), count_queries() as statements:
        work = worklist_for(user)
    assert len(statements) == len(kinds_for(Role.ENTERPRISE)) + 1
    assert [r.comment for r in work.returned] == [f"意见{n}" for n in range(returned)][:5]

