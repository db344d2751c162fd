"""The district's apprentice queue for dozens a day (AP-N3, AP-W2, C-REV, C-PII, C-DIST):
priority order, search, the whole-ID lookup by POST, "select all N matching", quick approval."""

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts import passwords
from portal.models import (
    Apprentice,
    Enrolment,
    EnrolmentState,
    Organisation,
    ReviewState,
    User,
)
from portal.models.base import utcnow
from tests.enrolment_factories import (
    district_reviewer,
    submitted_enrolment,
)
from tests.programme_factories import make_programme


def _row_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="enrolment-(\d+)"', body)]


def test_AP_N3_four_centres_enterprises_first_then_the_longest_waiting(client, login, db):
    ordinary = make_programme(state=ReviewState.APPROVED)
    priority = make_programme(state=ReviewState.APPROVED)
    db.session.get(Organisation, priority.enterprise_id).four_centres = True
    now = utcnow()
    old = submitted_enrolment(ordinary, submitted_at=now - timedelta(days=9))
    new = submitted_enrolment(ordinary, submitted_at=now - timedelta(days=1))
    first = submitted_enrolment(priority, submitted_at=now - timedelta(days=2))
    db.session.commit()
    district_reviewer(login)
    body = client.get("/district/enrolments?status=submitted").get_data(as_text=True)
    assert _row_ids(body) == [first.id, old.id, new.id]
    assert "已等待 9 天" in body


def test_queue_search_by_credit_code_and_id_tail(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    mine = submitted_enrolment(programme)
    other = submitted_enrolment(make_programme(state=ReviewState.APPROVED))
    code = db.session.get(Organisation, programme.enterprise_id).credit_code
    tail = db.session.get(Apprentice, other.apprentice_id).resident_id[-4:]
    district_reviewer(login)
    assert _row_ids(client.get(f"/district/enrolments?q={code}").get_data(as_text=True)) == [mine.id]
    assert other.id in _row_ids(client.get(f"/district/enrolments?q={tail}").get_data(as_text=True))


def test_C_PII_whole_id_lookup_is_posted_and_stays_out_of_the_address(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    wanted, _other = submitted_enrolment(programme), submitted_enrolment(programme)
    number = db.session.get(Apprentice, wanted.apprentice_id).resident_id
    district_reviewer(login)
    found = client.post("/district/enrolments/find", data={"resident_id": number}, htmx=True)
    assert _row_ids(found.get_data(as_text=True)) == [wanted.id]
    assert "HX-Push-Url" not in found.headers
    page = client.get("/district/enrolments?status=submitted").get_data(as_text=True)
    assert 'name="resident_id"' in page and 'method="post"' in page
    # A whole number in the query string is not a filter.
    listed = client.get(f"/district/enrolments?resident_id={number}").get_data(as_text=True)
    assert len(_row_ids(listed)) == 2


def test_AP_W2_select_all_matching_the_filter_approves_every_row_in_one_request(
        client, login, db):
    programme = make_programme(state=ReviewState.APPROVED, planned_count=60)
    ready = [submitted_enrolment(programme) for _ in range(25)]
    missing_agreement = submitted_enrolment(programme, agreed=False)
    elsewhere = submitted_enrolment(make_programme(state=ReviewState.APPROVED, district="110108"))
    district_reviewer(login)
    page = client.get(f"/district/enrolments?status=submitted&programme_id={programme.id}"
                      "&per_page=20").get_data(as_text=True)
    assert "通过全部 26 名符合筛选条件的学徒" in page
    action = f"/district/enrolments/approve?status=submitted&amp;programme_id={programme.id}"
    assert action in page
    response = client.post(action.replace("&amp;", "&"), htmx=True, data={"all_matching": "1"})
    assert response.status_code == 200
    db.session.expire_all()
    assert all(e.state == EnrolmentState.ACTIVE for e in ready)
    assert missing_agreement.state == EnrolmentState.SUBMITTED  # reported on its row
    assert elsewhere.state == EnrolmentState.SUBMITTED  # C-DIST: another district's
    assert "AP-A1" in response.get_data(as_text=True)


def test_AP_W2_approval_computes_no_password_hash(client, login, db, monkeypatch):
    """Approval opens the trainee account without a password (issued later by the
    enterprise), so an approval costs about what a return does."""
    enrolment = submitted_enrolment(make_programme(state=ReviewState.APPROVED))

    def refuse(_password):
        raise AssertionError("argon2 inside an approval")

    district_reviewer(login)
    monkeypatch.setattr(passwords, "hash_password", refuse)
    monkeypatch.setattr("portal.apprenticeship.enrolment.trainee_accounts.hash_password", refuse)
    response = client.post(f"/district/enrolments/{enrolment.id}/review",
                           data={"decision": "approve"}, htmx=True)
    assert response.status_code == 200
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    account = db.session.get(User, person.user_id)
    assert account.password_hash == passwords.UNUSABLE_PASSWORD
    assert not passwords.verify_password(account.password_hash, "")
    assert db.session.scalar(sa.select(Enrolment.state).where(
        Enrolment.id == enrolment.id)) == EnrolmentState.ACTIVE


def test_queue_keyboard_script_and_live_region_on_the_review_queue(client, login, db):
    submitted_enrolment(make_programme(state=ReviewState.APPROVED))
    district_reviewer(login)
    page = client.get("/district/enrolments").get_data(as_text=True)
    assert "js/queue.js" in page and 'id="queue-announce"' in page and 'aria-live="polite"' in page
    assert 'data-select-all="bulk-approve"' in page
