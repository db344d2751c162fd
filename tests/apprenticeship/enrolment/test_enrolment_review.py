"""District review of apprentices and establishment of the student record (AP-W2, AP-A1,
AP-P5, C-REV, C-DIST), inline with htmx like the programme queue."""

import json
from datetime import date, timedelta

import sqlalchemy as sa

from portal.apprenticeship.enrolment import services as svc
from portal.core.workflow import Decision
from portal.models import (
    Apprentice,
    AuditLog,
    CatalogueKind,
    Enrolment,
    EnrolmentState,
    Organisation,
    Programme,
    ReviewState,
    Role,
    User,
)
from tests.enrolment_factories import (
    district_reviewer,
    make_agreement,
    make_apprentice,
    make_enrolment,
    submitted_enrolment,
)
from tests.factories import make_user
from tests.programme_factories import (
    approved_enterprise_user,
    make_institution,
    make_occupation,
    make_programme,
    put_on_list,
)


def _review(client, enrolment, decision="approve", comment=""):
    return client.post(f"/district/enrolments/{enrolment.id}/review",
                       data={"decision": decision, "comment": comment}, htmx=True)


def test_AP_W2_approval_establishes_record_and_trainee_account(client, login, db):
    enrolment = submitted_enrolment()
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    district_reviewer(login)
    response = _review(client, enrolment)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="enrolment-{enrolment.id}"') and "<html" not in body
    assert "在训" in body and person.resident_id not in body
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["enrolmentReviewed"] is True and "学籍已建立" in trigger["toast"]["message"]
    db.session.expire_all()
    enrolment = db.session.get(Enrolment, enrolment.id)
    assert enrolment.state == EnrolmentState.ACTIVE
    assert enrolment.established_on == svc.today() and enrolment.decided_at is not None
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    account = db.session.get(User, person.user_id)
    assert account.role == Role.TRAINEE and account.username == person.mobile
    assert account.must_change_password is True
    assert db.session.get(Programme, enrolment.programme_id).enrolled_count == 1
    actions = set(db.session.scalars(sa.select(AuditLog.action)))
    assert {"approve", "create_trainee_account"} <= actions


def test_AP_W2_existing_trainee_account_is_reused(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    person = make_apprentice(with_user=True)
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, mentored=True, programme=programme, apprentice=person)
    make_agreement(programme, [enrolment])
    district_reviewer(login)
    _review(client, enrolment)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.role == Role.TRAINEE)) == 1


def test_AP_W2_trainee_username_falls_back_when_the_mobile_is_taken(client, login, db):
    enrolment = submitted_enrolment()
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    make_user(Role.CENTER, username=person.mobile)  # someone already logs in with it
    district_reviewer(login)
    _review(client, enrolment)
    db.session.expire_all()
    person = db.session.get(Apprentice, person.id)
    assert db.session.get(User, person.user_id).username == f"{person.mobile}-2"


def test_AP_A1_approval_without_agreement_refused(client, login, db):
    enrolment = submitted_enrolment(agreed=False)
    district_reviewer(login)
    response = _review(client, enrolment)
    body = response.get_data(as_text=True)
    assert "AP-A1" in body and 'role="alert"' in body
    assert "enrolmentReviewed" not in json.loads(response.headers["HX-Trigger"])
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.SUBMITTED and enrolment.established_on is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.role == Role.TRAINEE)) == 0


def test_AP_A1_collective_agreement_for_a_batch_of_the_same_programme(client, login, db):
    owner = approved_enterprise_user()
    programme = make_programme(state=ReviewState.APPROVED,
                               enterprise=db.session.get(Organisation, owner.org_id))
    batch = [make_enrolment(EnrolmentState.SUBMITTED, mentored=True, programme=programme) for _ in range(3)]
    active = make_enrolment(EnrolmentState.ACTIVE, programme=programme)
    login(owner)
    roster = client.get(f"/enterprise/programmes/{programme.id}/apprentices").get_data(as_text=True)
    assert 'form="agreement-form"' in roster
    response = client.post(f"/enterprise/programmes/{programme.id}/apprentices/agreement",
                           data={"ids": [e.id for e in batch], "signed_on": "2025-03-01",
                                 "note": "第一批"})
    assert response.status_code == 302
    db.session.expire_all()
    ids = {db.session.get(Enrolment, e.id).agreement_id for e in batch}
    assert len(ids) == 1 and None not in ids
    from portal.models import TrainingAgreement

    agreement = db.session.get(TrainingAgreement, ids.pop())
    assert agreement.collective is True and agreement.programme_id == programme.id
    # An established record is not re-linked; the whole request is refused.
    client.post(f"/enterprise/programmes/{programme.id}/apprentices/agreement",
                data={"ids": [batch[0].id, active.id], "signed_on": "2025-03-01"})
    db.session.expire_all()
    assert db.session.get(Enrolment, active.id).agreement_id is None
    assert db.session.get(Enrolment, batch[0].id).agreement_id == agreement.id


def test_AP_A1_individual_agreement_on_the_detail_page_then_approval(client, login, db):
    owner = approved_enterprise_user()
    programme = make_programme(state=ReviewState.APPROVED,
                               enterprise=db.session.get(Organisation, owner.org_id))
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, mentored=True, programme=programme)
    login(owner)
    future = (svc.today() + timedelta(days=2)).isoformat()
    client.post(f"/enterprise/enrolments/{enrolment.id}/agreement", data={"signed_on": future})
    db.session.refresh(enrolment)
    assert enrolment.agreement_id is None  # not signed in the future
    client.post(f"/enterprise/enrolments/{enrolment.id}/agreement",
                data={"signed_on": "2025-02-20"})
    db.session.refresh(enrolment)
    assert enrolment.agreement_id is not None
    client.post("/logout")
    district_reviewer(login)
    _review(client, enrolment)
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.ACTIVE


def test_AP_P5_catalogue_facts_frozen_at_establishment(client, login, db):
    occupation = make_occupation()
    put_on_list(CatalogueKind.URGENT, [occupation], since=date(2022, 1, 1))
    put_on_list(CatalogueKind.ASSESSMENT_SCOPE, [], since=date(2022, 1, 1))
    programme = make_programme(state=ReviewState.APPROVED, occupation=occupation,
                               institution=make_institution([occupation]))
    enrolment = submitted_enrolment(programme)
    district_reviewer(login)
    _review(client, enrolment)
    db.session.refresh(enrolment)
    assert enrolment.urgent is True and enrolment.in_assessment_scope is False
    # A later version drops the occupation from the urgent list: the record keeps its facts.
    put_on_list(CatalogueKind.URGENT, [], since=svc.today() - timedelta(days=1))
    put_on_list(CatalogueKind.ASSESSMENT_SCOPE, [occupation], since=svc.today() - timedelta(days=1))
    db.session.refresh(enrolment)
    assert enrolment.urgent is True and enrolment.in_assessment_scope is False
    page = client.get(f"/district/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "急需紧缺职业（工种）" in page and "未纳入本市考核评价范围" in page


def test_AP_P5_the_version_in_force_on_the_establishment_day_applies(app, db):
    occupation = make_occupation()
    put_on_list(CatalogueKind.URGENT, [], since=date(2022, 1, 1))
    put_on_list(CatalogueKind.URGENT, [occupation], since=date(2026, 6, 1))
    programme = make_programme(state=ReviewState.APPROVED, occupation=occupation,
                               institution=make_institution([occupation]))
    before, after = submitted_enrolment(programme), submitted_enrolment(programme)
    district = make_user(Role.DISTRICT, district="110105")
    svc.district_review(district, before, Decision.APPROVE, day=date(2026, 5, 31))
    svc.district_review(district, after, Decision.APPROVE, day=date(2026, 6, 1))
    db.session.commit()
    assert (before.urgent, before.established_on) == (False, date(2026, 5, 31))
    assert (after.urgent, after.established_on) == (True, date(2026, 6, 1))


def test_C_REV_return_needs_a_comment_and_frees_the_seat(client, login, db):
    enrolment = submitted_enrolment()
    district_reviewer(login)
    refused = _review(client, enrolment, "return", "")
    assert "C-REV" in refused.get_data(as_text=True)
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.SUBMITTED
    _review(client, enrolment, "return", "合同期限填写有误")
    db.session.expire_all()
    enrolment = db.session.get(Enrolment, enrolment.id)
    assert enrolment.state == EnrolmentState.RETURNED
    assert db.session.get(Programme, enrolment.programme_id).enrolled_count == 0
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "return"))
    assert entry.comment == "合同期限填写有误"


def test_C_REV_reject_with_reason_frees_the_seat_and_the_person(client, login, db):
    enrolment = submitted_enrolment()
    district_reviewer(login)
    _review(client, enrolment, "reject", "非本企业职工")
    db.session.expire_all()
    enrolment = db.session.get(Enrolment, enrolment.id)
    assert enrolment.state == EnrolmentState.REJECTED
    assert db.session.get(Programme, enrolment.programme_id).enrolled_count == 0
    assert svc.holding_enrolment(enrolment.apprentice_id) is None


def test_AP_W4_approving_twice_answers_already_handled(client, login, db):
    enrolment = submitted_enrolment()
    district_reviewer(login)
    _review(client, enrolment)
    again = _review(client, enrolment)
    assert "已被处理" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "approve")) == 1


def test_C_DIST_district_B_cannot_see_or_approve_district_A_apprentices(client, login, db):
    mine = submitted_enrolment(make_programme(state=ReviewState.APPROVED, district="110105"))
    theirs = submitted_enrolment(make_programme(state=ReviewState.APPROVED, district="110108"))
    district_reviewer(login, district="110105")
    page = client.get("/district/enrolments").get_data(as_text=True)
    assert f"enrolment-{mine.id}" in page and f"enrolment-{theirs.id}" not in page
    assert _review(client, theirs).status_code == 404
    assert client.get(f"/district/enrolments/{theirs.id}").status_code == 404
    assert client.post(f"/district/enrolments/{theirs.id}/identity").status_code == 404
    # A bulk approval naming another district's row: that one is reported, the rest proceed.
    bulk = client.post("/district/enrolments/approve", data={"ids": [mine.id, theirs.id]}, htmx=True)
    assert bulk.status_code == 200
    assert "1 人未通过" in json.loads(bulk.headers["HX-Trigger"])["toast"]["message"]
    db.session.expire_all()
    assert db.session.get(Enrolment, theirs.id).state == EnrolmentState.SUBMITTED
    assert db.session.get(Enrolment, mine.id).state == EnrolmentState.ACTIVE


def test_AP_W2_bulk_approval_reports_per_row_results(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED)
    ready = [submitted_enrolment(programme) for _ in range(3)]
    missing = submitted_enrolment(programme, agreed=False)
    district_reviewer(login)
    response = client.post("/district/enrolments/approve?status=all",
                           data={"ids": [e.id for e in ready] + [missing.id]}, htmx=True)
    body = response.get_data(as_text=True)
    assert "<html" not in body and f"enrolment-{missing.id}" in body
    row = body.split(f'id="enrolment-{missing.id}"')[1].split("</tr>")[0]
    assert "AP-A1" in row
    trigger = json.loads(response.headers["HX-Trigger"])
    assert "已通过 3 人" in trigger["toast"]["message"] and trigger["enrolmentReviewed"]
    db.session.expire_all()
    assert [db.session.get(Enrolment, e.id).state for e in ready] == [EnrolmentState.ACTIVE] * 3
    assert db.session.get(Enrolment, missing.id).state == EnrolmentState.SUBMITTED


def test_AP_W2_bulk_approval_without_javascript_redirects_back(client, login, db):
    enrolment = submitted_enrolment()
    district_reviewer(login)
    response = client.post("/district/enrolments/approve", data={"ids": [enrolment.id]})
    assert response.status_code == 302 and "/district/enrolments" in response.headers["Location"]
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.ACTIVE


def test_counts_block_refreshes_on_the_review_event(client, login, db):
    submitted_enrolment()
    district_reviewer(login)
    page = client.get("/district/enrolments").get_data(as_text=True)
    assert 'hx-trigger="enrolmentReviewed from:body"' in page
    counts = client.hx_get("/district/enrolments/counts").get_data(as_text=True)
    assert counts.lstrip().startswith('<nav id="enrolment-counts"') and "<html" not in counts


def test_queue_filters_by_status_programme_and_name(client, login, db):
    first = make_programme(state=ReviewState.APPROVED)
    second = make_programme(state=ReviewState.APPROVED)
    a = submitted_enrolment(first, apprentice=make_apprentice(name="赵一"))
    b = submitted_enrolment(second, apprentice=make_apprentice(name="钱二"))
    active = make_enrolment(EnrolmentState.ACTIVE, programme=first)
    district_reviewer(login)
    default = client.get("/district/enrolments").get_data(as_text=True)
    assert f"enrolment-{a.id}" in default and f"enrolment-{active.id}" not in default
    by_programme = client.hx_get(f"/district/enrolments?programme_id={second.id}").get_data(as_text=True)
    assert f"enrolment-{b.id}" in by_programme and f"enrolment-{a.id}" not in by_programme
    by_name = client.hx_get("/district/enrolments?q=赵").get_data(as_text=True)
    assert f"enrolment-{a.id}" in by_name and f"enrolment-{b.id}" not in by_name
    tail = db.session.get(Apprentice, b.apprentice_id).resident_id[-4:]
    by_tail = client.hx_get(f"/district/enrolments?q={tail}").get_data(as_text=True)
    assert f"enrolment-{b.id}" in by_tail
    everything = client.hx_get("/district/enrolments?status=all").get_data(as_text=True)
    assert f"enrolment-{active.id}" in everything
    assert client.get("/district/enrolments?status=hacked&programme_id=x").status_code == 200


def test_queue_query_count_is_constant(client, login, count_queries):
    occupation = make_occupation()
    institution = make_institution([occupation])
    submitted_enrolment(make_programme(state=ReviewState.APPROVED, occupation=occupation,
                              institution=institution))
    district_reviewer(login)
    with count_queries() as few:
        client.get("/district/enrolments")
    for _ in range(12):
        submitted_enrolment(make_programme(state=ReviewState.APPROVED, occupation=make_occupation(),
                                  institution=institution))
    with count_queries() as many:
        response = client.get("/district/enrolments")
    assert response.get_data(as_text=True).count('<tr id="enrolment-') == 13
    assert len(many) == len(few) <= 12


def test_AP_W2_a_reviewer_clears_a_queue_of_30_inline(client, login, db):
    programme = make_programme(state=ReviewState.APPROVED, planned_count=30)
    queue = [submitted_enrolment(programme) for _ in range(30)]
    district_reviewer(login)
    for enrolment in queue:
        assert "<html" not in _review(client, enrolment).get_data(as_text=True)
    db.session.expire_all()
    assert svc.seats_in_use(programme.id) == 30 == db.session.get(Programme, programme.id).enrolled_count
    left = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                             .where(Enrolment.state == EnrolmentState.SUBMITTED))
    assert left == 0



def test_enterprise_lists_query_count_is_constant(client, login, count_queries):
    owner = approved_enterprise_user()
    programme = make_programme(state=ReviewState.APPROVED, planned_count=30,
                               enterprise=db_org(owner))
    make_enrolment(EnrolmentState.DRAFT, programme=programme)
    login(owner)
    urls = (f"/enterprise/programmes/{programme.id}/apprentices", "/enterprise/enrolments")
    few = {}
    for url in urls:
        with count_queries() as statements:
            client.get(url)
        few[url] = len(statements)
    for _ in range(10):
        make_enrolment(EnrolmentState.SUBMITTED, mentored=True, programme=programme)
    for url in urls:
        with count_queries() as statements:
            body = client.get(url).get_data(as_text=True)
        assert body.count('<tr id="enrolment-') == 11
        assert len(statements) == few[url], url


def db_org(user) -> Organisation:
    from portal.extensions import db

    return db.session.get(Organisation, user.org_id)


def test_AP_M1_record_is_not_established_before_both_mentors_are_assigned(client, login, db):
    enrolment = submitted_enrolment(mentored=False)
    district_reviewer(login)
    body = _review(client, enrolment).get_data(as_text=True)
    assert "AP-M1" in body
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).state == EnrolmentState.SUBMITTED


def test_AP_P1_student_record_keeps_a_real_name_training_file(client, login, db):
    """AP-P1: one person per resident ID, and the record's page lists every stage so far."""
    enrolment = submitted_enrolment()
    reviewer = district_reviewer(login)
    _review(client, enrolment)
    client.post("/logout")
    owner = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, enrolment.enterprise_id))
    login(owner)
    page = client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "审核通过" in page and reviewer.display_name in page
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    assert person.name in page and person.resident_id not in page
    same_id = db.session.scalar(sa.select(sa.func.count()).select_from(Apprentice)
                                .where(Apprentice.resident_id == person.resident_id))
    assert same_id == 1
