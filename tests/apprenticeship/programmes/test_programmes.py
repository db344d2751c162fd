"""Programme applications by enterprises (AP-W1, AP-N2, AP-N4, AP-I2, AP-I4, AP-C1..C5, AP-A2, AP-W4)."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from portal import rules
from portal.apprenticeship.programmes import services as programmes
from portal.core.errors import NotAllowed
from portal.models import AuditLog, CatalogueKind, Programme, ReviewState, Role
from tests.factories import make_org, make_user
from tests.programme_factories import (
    PDF,
    START,
    form_data,
    make_institution,
    make_occupation,
    make_programme,
    plan,
    put_on_list,
)


@pytest.fixture
def setting(db):
    occupation = make_occupation()
    institution = make_institution([occupation])
    enterprise = make_org(state=ReviewState.APPROVED)
    return occupation, institution, make_user(Role.ENTERPRISE, org=enterprise), enterprise


def _post_new(client, data, agreement=True):
    posted = form_data(data)
    if agreement:
        posted["agreement"] = (io.BytesIO(PDF), "合作协议.pdf")
    return client.post("/enterprise/programmes/new", data=posted,
                       content_type="multipart/form-data")


def _programme_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Programme))


def test_AP_W1_programme_goes_enterprise_institution_district_centre(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    response = _post_new(client, plan(occupation, institution))
    assert response.status_code == 302, response.get_data(as_text=True)
    programme = db.session.scalar(sa.select(Programme))
    assert programme.state == ReviewState.DRAFT and programme.agreement_document_id
    assert "AP-W1" in client.post(f"/enterprise/programmes/{programme.id}/submit",
                                  follow_redirects=True).get_data(as_text=True)
    client.post("/logout")

    login(make_user(Role.INSTITUTION, org=institution))
    page = client.get(f"/institution/programmes/{programme.id}").get_data(as_text=True)
    assert "确认本机构承担的培训内容" in page
    client.post(f"/institution/programmes/{programme.id}/confirm")
    client.post("/logout")

    login(owner)
    client.post(f"/enterprise/programmes/{programme.id}/submit")
    client.post("/logout")

    login(make_user(Role.DISTRICT, district="110105"))
    row = client.post(f"/district/programmes/{programme.id}/review",
                      data={"decision": "approve"}, htmx=True)
    assert "<html" not in row.get_data(as_text=True) and "待市级复核" in row.get_data(as_text=True)
    client.post("/logout")

    login(make_user(Role.CENTER))
    client.post(f"/center/programmes/{programme.id}/review", data={"decision": "approve"}, htmx=True)
    db.session.refresh(programme)
    assert programme.state == ReviewState.APPROVED
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "programme", AuditLog.object_id == programme.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["create", "institution_confirm", "submit", "approve", "approve"]


def test_AP_W1_enterprise_not_yet_confirmed_cannot_apply(client, login, db, setting):
    occupation, institution, _, _ = setting
    login(make_user(Role.ENTERPRISE, org=make_org(state=ReviewState.SUBMITTED)))
    body = _post_new(client, plan(occupation, institution)).get_data(as_text=True)
    assert "AP-W1" in body
    assert _programme_count(db) == 0


def test_AP_N2_prohibited_occupation_refused(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    put_on_list(CatalogueKind.PROHIBITED, [occupation])
    login(owner)
    body = _post_new(client, plan(occupation, institution)).get_data(as_text=True)
    assert "AP-N2" in body
    assert _programme_count(db) == 0


def test_AP_N2_prohibition_counts_from_its_effective_date(db, setting):
    occupation, institution, owner, enterprise = setting
    put_on_list(CatalogueKind.PROHIBITED, [occupation], since=date(2027, 1, 1))
    assert "AP-N2" not in programmes.check_plan(plan(occupation, institution), enterprise).problems
    later = plan(occupation, institution, start_date=date(2027, 2, 1))
    assert "AP-N2" in programmes.check_plan(later, enterprise).problems


def test_AP_E4_level_below_intermediate_refused(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    body = _post_new(client, plan(occupation, institution, level="primary")).get_data(as_text=True)
    assert "AP-E4" in body
    assert _programme_count(db) == 0


def test_AP_I4_institution_outside_the_catalogue_refused(client, login, db, setting):
    occupation, _, owner, enterprise = setting
    pending = make_institution([occupation], state=ReviewState.SUBMITTED)
    login(owner)
    body = _post_new(client, plan(occupation, pending)).get_data(as_text=True)
    assert "AP-I4" in body
    assert _programme_count(db) == 0


def test_AP_I2_licence_must_cover_the_occupation(client, login, db, setting):
    occupation, _, owner, enterprise = setting
    other = make_institution([make_occupation("焊工")])
    login(owner)
    assert "AP-I2" in _post_new(client, plan(occupation, other)).get_data(as_text=True)
    assert _programme_count(db) == 0


def test_AP_I2_licence_must_be_valid_for_the_whole_period(db, setting):
    occupation, _, owner, enterprise = setting
    expiring = make_institution([occupation], licence_valid_to=date(2026, 12, 31))
    assert "AP-I2" in programmes.check_plan(plan(occupation, expiring), enterprise).problems
    lasting = make_institution([occupation], licence_valid_to=date(2027, 2, 28))
    assert "AP-I2" not in programmes.check_plan(plan(occupation, lasting), enterprise).problems


@pytest.mark.parametrize(("level", "months", "reason", "refused"), [
    ("intermediate", 12, "", False),
    ("intermediate", 11, "", True),
    ("intermediate", 6, "弹性学制，提前修满学分", False),
    ("advanced", 12, "企业生产周期", False),
    ("intermediate", 18, "", True),
    ("intermediate", 18, "生产任务调整", False),
    ("advanced", 24, "", False),
    ("advanced", 36, "设备改造", False),
    ("advanced", 37, "设备改造", True),
])
def test_AP_C3_duration_and_extension(db, setting, level, months, reason, refused):
    occupation, institution, owner, enterprise = setting
    data = plan(occupation, institution, level=level, duration_months=months,
                extension_reason=reason, centralised_hours=400, on_job_hours=400)
    assert ("AP-C3" in programmes.check_plan(data, enterprise).problems) is refused


def test_AP_C4_credits_must_reach_the_level_requirement(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    short = plan(occupation, institution, level="advanced", duration_months=24,
                 centralised_hours=300, on_job_hours=490)
    assert "AP-C4" in _post_new(client, short).get_data(as_text=True)
    enough = dict(short, on_job_hours=500)
    assert _post_new(client, enough).status_code == 302


def test_AP_C1_ratio_deviation_warns_but_does_not_block(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    skewed = plan(occupation, institution, general_hours=100, theory_hours=100, practice_hours=100)
    assert _post_new(client, skewed).status_code == 302
    programme = db.session.scalar(sa.select(Programme))
    page = client.get(f"/enterprise/programmes/{programme.id}").get_data(as_text=True)
    assert "AP-C1" in page


def test_AP_C1_live_plan_check_returns_a_fragment(client, login, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    data = form_data(plan(occupation, institution, general_hours=10, theory_hours=10, practice_hours=80))
    fragment = client.post("/enterprise/programmes/check-plan", data=data, htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="plan-check"' in fragment
    assert "AP-C1" in fragment and "40.0 / 40" in fragment


def test_AP_C2_a_delivery_mode_is_required(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    login(owner)
    assert "AP-C2" in _post_new(client, plan(occupation, institution, delivery_modes=[])).get_data(as_text=True)


def test_AP_C5_and_AP_A2_textbooks_and_agreement_needed_to_submit(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.DRAFT, enterprise=enterprise, occupation=occupation,
                               institution=institution, textbooks="")
    with pytest.raises(rules.RuleViolation) as refused:
        programmes.submit(owner, programme)
    assert refused.value.rule_ids == ["AP-C5", "AP-A2"]
    db.session.rollback()
    login(owner)
    page = client.post(f"/enterprise/programmes/{programme.id}/submit",
                       follow_redirects=True).get_data(as_text=True)
    assert "AP-A2" in page
    db.session.refresh(programme)
    assert programme.state == ReviewState.DRAFT


def test_AP_N4_large_enterprise_may_not_entrust(db, setting):
    occupation, institution, _, _ = setting
    large = make_org(state=ReviewState.APPROVED, size="large")
    partner = make_org(state=ReviewState.APPROVED)
    data = plan(occupation, institution, entrusted_enterprise_id=partner.id)
    assert "AP-N4" in programmes.check_plan(data, large).problems
    small = make_org(state=ReviewState.APPROVED, size="small")
    assert "AP-N4" not in programmes.check_plan(data, small).problems
    assert "AP-N4" in programmes.check_plan(data, small, for_submission=True).problems


def test_AP_W4_edit_after_submission_refused(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.SUBMITTED, enterprise=enterprise,
                               occupation=occupation, institution=institution)
    with pytest.raises(NotAllowed, match="AP-W4"):
        programmes.update(owner, programme, plan(occupation, institution, planned_count=99))
    db.session.rollback()
    login(owner)
    response = client.post(f"/enterprise/programmes/{programme.id}/edit",
                           data=form_data(plan(occupation, institution, planned_count=99)),
                           follow_redirects=True)
    assert "AP-W4" in response.get_data(as_text=True)
    db.session.refresh(programme)
    assert programme.planned_count == 20


def test_AP_W4_edit_of_a_returned_programme_needs_the_institution_again(db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.RETURNED, enterprise=enterprise,
                               occupation=occupation, institution=institution)
    programmes.update(owner, programme, plan(occupation, institution, planned_count=25))
    db.session.commit()
    assert programme.planned_count == 25 and programme.institution_confirmed_at is None
    with pytest.raises(NotAllowed, match="AP-W1"):
        programmes.submit(owner, programme)


def test_forged_post_to_another_enterprises_programme_is_404(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    theirs = make_programme(state=ReviewState.DRAFT, occupation=occupation, institution=institution)
    login(owner)
    assert client.post(f"/enterprise/programmes/{theirs.id}/edit",
                       data=form_data(plan(occupation, institution))).status_code == 404
    assert client.post(f"/enterprise/programmes/{theirs.id}/submit").status_code == 404
    assert client.get(f"/enterprise/programmes/{theirs.id}").status_code == 404


def test_other_institution_cannot_confirm(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.DRAFT, confirmed=False, enterprise=enterprise,
                               occupation=occupation, institution=institution)
    stranger = make_institution([occupation])
    login(make_user(Role.INSTITUTION, org=stranger))
    assert client.post(f"/institution/programmes/{programme.id}/confirm").status_code == 404
    db.session.refresh(programme)
    assert programme.institution_confirmed_at is None


def test_AP_I4_institution_options_follow_the_occupation(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    welder = make_occupation("焊工")
    welding_school = make_institution([welder])
    login(owner)
    fragment = client.hx_get(f"/enterprise/programmes/institution-options?occupation_id={welder.id}"
                             f"&start_date={START.isoformat()}").get_data(as_text=True)
    assert "<html" not in fragment
    assert welding_school.name in fragment and institution.name not in fragment


def test_double_submit_is_refused_and_audited_once(db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.DRAFT, enterprise=enterprise, occupation=occupation,
                               institution=institution)
    from portal.models import Document, DocumentKind

    doc = Document(kind=DocumentKind.COOPERATION_AGREEMENT, owner_org_id=owner.org_id,
                   district_code="110105", original_name="a.pdf", stored_name="x1.pdf",
                   content_type="application/pdf", size_bytes=10, sha256="0" * 64)
    db.session.add(doc)
    db.session.flush()
    programme.agreement_document_id = doc.id
    db.session.commit()
    programmes.submit(owner, programme)
    db.session.commit()
    with pytest.raises(Exception, match="已被处理|AP-W"):
        programmes.submit(owner, programme)
    db.session.rollback()
    submits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "programme", AuditLog.action == "submit"))
    assert submits == 1


def test_approved_programme_links_to_its_training_pages(client, login, db, setting):
    occupation, institution, owner, enterprise = setting
    programme = make_programme(state=ReviewState.APPROVED, enterprise=enterprise,
                               occupation=occupation, institution=institution)
    login(owner)
    page = client.get(f"/enterprise/programmes/{programme.id}").get_data(as_text=True)
    for path in ("apprentices", "mentors", "credits"):
        assert f"/enterprise/programmes/{programme.id}/{path}" in page
    assert "出勤率" in page and "流失率" in page
    for link in ("/enterprise/programmes/%d/apprentices", "/enterprise/programmes/%d/mentors",
                 "/enterprise/programmes/%d/credits"):
        assert client.get(link % programme.id).status_code == 200
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110105"))
    page = client.get(f"/district/programmes/{programme.id}").get_data(as_text=True)
    assert f"/district/enrolments?programme_id={programme.id}" in page
