"""AP-S1, AP-S2, AP-W4: the joint assessment through the class screen's row forms."""

from datetime import date

import sqlalchemy as sa

from portal.apprenticeship.assessment import services as assessments
from portal.extensions import db
from portal.models import (
    AuditLog,
    Certificate,
    CertificateKind,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Enrolment,
    EnrolmentState,
    Programme,
    Role,
)
from portal.models.base import utcnow
from tests.assessment_factories import class_url, client_for, ended_class, row_data, save_url
from tests.enrolment_factories import programme_parties
from tests.factories import make_org, make_user
from tests.money_factories import account_of, approved_programme, established


def _save(client, role, programme, enrolment, verdict=None, htmx=True, **fields):
    return client.post(save_url(role, programme.id, enrolment.id),
                       data=row_data(enrolment.id, verdict, **fields), htmx=htmx)


def _fresh(enrolment):
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id)


def _certificate(enrolment):
    return db.session.scalar(sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def test_AP_S1_both_parties_must_agree(app):
    """AP-S1: one party's pass completes nothing; the other's pass completes the enrolment,
    releases its seat and issues the technical-school diploma (institution is a 技工院校)."""
    programme, [e], enterprise, institution = ended_class()
    ent, ins = client_for(app, enterprise), client_for(app, institution)
    seats = programme.enrolled_count

    r = _save(ent, "enterprise", programme, e, "passed")
    assert r.status_code == 200 and "等待对方" in r.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert _fresh(e).state == EnrolmentState.ACTIVE
    assert _certificate(e) is None

    r = _save(ins, "institution", programme, e, "passed")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert body.lstrip().startswith("<tr") and "合格" in body
    done = _fresh(e)
    assert done.state == EnrolmentState.COMPLETED and done.ended_on == assessments.today()
    assert db.session.get(Programme, programme.id).enrolled_count == seats - 1
    certificate = _certificate(e)
    assert certificate.kind == CertificateKind.TECHNICAL_SCHOOL_DIPLOMA
    assert certificate.number in body
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "assessment")))
    assert {"enterprise_verdict", "institution_verdict", "agree"} <= actions
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.object_type == "enrolment", AuditLog.object_id == e.id,
        AuditLog.action == "complete", AuditLog.to_state == "completed"))


def test_AP_S1_pass_at_other_institution_earns_apprentice_certificate(app):
    """AP-S1: an institution that is not a technical school → 企业新学徒培训合格证书."""
    programme, [e], enterprise, institution = ended_class(institution_type="training_institution")
    _save(client_for(app, institution), "institution", programme, e, "passed")
    _save(client_for(app, enterprise), "enterprise", programme, e, "passed")
    assert _certificate(e).kind == CertificateKind.APPRENTICE_CERTIFICATE


def test_AP_S1_fail_completes_without_certificate(app):
    """AP-S1: both say 不合格: completed, no certificate."""
    programme, [e], enterprise, institution = ended_class()
    _save(client_for(app, enterprise), "enterprise", programme, e, "failed")
    _save(client_for(app, institution), "institution", programme, e, "failed")
    assert _fresh(e).state == EnrolmentState.COMPLETED
    assert _certificate(e) is None


def test_AP_S1_disagreement_shown_to_both(app):
    """AP-S1: different verdicts complete nothing and both parties see the disagreement;
    either may then change its own verdict until they agree."""
    programme, [e], enterprise, institution = ended_class()
    ent, ins = client_for(app, enterprise), client_for(app, institution)
    _save(ent, "enterprise", programme, e, "passed")
    _save(ins, "institution", programme, e, "failed")
    assert _fresh(e).state == EnrolmentState.ACTIVE
    for client, role in ((ent, "enterprise"), (ins, "institution")):
        assert "企业与培训机构考核意见不一致" in client.get(
            class_url(role, programme.id)).get_data(as_text=True)
    _save(ent, "enterprise", programme, e, "failed")
    assert _fresh(e).state == EnrolmentState.COMPLETED


def test_AP_S1_before_planned_end_refused(app):
    """AP-S1: 培训期满后方可考核 — a class still in training is refused, nothing written."""
    programme = approved_programme(start_date=date(2026, 9, 1))  # ends 2027-08-31
    e, _account = established(programme)
    enterprise, _institution = programme_parties(programme)
    r = _save(client_for(app, enterprise), "enterprise", programme, e, "passed")
    message = r.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert "培训期满后方可考核" in message and "AP-S1" in message
    assert assessments.assessment_of(e.id) is None


def test_AP_S1_other_enterprise_and_institution_cannot_assess(app):
    """AP-S1, C-DIST: another enterprise or institution gets 404; the district has no form."""
    programme, [e], _enterprise, _institution = ended_class()
    other_ent = make_user(Role.ENTERPRISE, org=make_org(state="approved"))
    other_ins = make_user(Role.INSTITUTION, org=make_org(kind="institution", state="approved"))
    for user, role in ((other_ent, "enterprise"), (other_ins, "institution")):
        client = client_for(app, user)
        assert _save(client, role, programme, e, "passed").status_code == 404
        assert client.get(class_url(role, programme.id)).status_code == 404
    district = client_for(app, make_user(Role.DISTRICT, district=programme.district_code))
    page = district.get(class_url("district", programme.id))
    assert page.status_code == 200 and "<form method=\"post\" action=\"/district" not in page.get_data(as_text=True)
    assert district.post(f"/district/programmes/{programme.id}/assessment/{e.id}",
                         data=row_data(e.id, "passed")).status_code in (404, 405)
    assert assessments.assessment_of(e.id) is None


def test_AP_S1_entrusted_enterprise_may_read_but_not_assess(app):
    """AP-S1, AP-N4: the enterprise entrusted with the training is not the assessing party."""
    entrusted_org = make_org(state="approved")
    programme, [e], _enterprise, _institution = ended_class(entrusted_enterprise_id=entrusted_org.id)
    client = client_for(app, make_user(Role.ENTERPRISE, org=entrusted_org))
    assert client.get(class_url("enterprise", programme.id)).status_code == 200
    assert _save(client, "enterprise", programme, e, "passed").status_code == 403


def test_AP_S2_vocational_certificate_recorded_with_type_level_number(app):
    """AP-S2: type, level, number and issue date are recorded (and shown), audited."""
    programme, [e], enterprise, _institution = ended_class()
    client = client_for(app, enterprise)
    r = _save(client, "enterprise", programme, e, "passed", vocational_type="skill_level",
              vocational_level="intermediate", vocational_number="S000123",
              vocational_issued_on="2026-09-15")
    assert r.status_code == 200
    a = assessments.assessment_of(e.id)
    assert (a.vocational_type.value, a.vocational_level, a.vocational_number,
            a.vocational_issued_on) == ("skill_level", "intermediate", "S000123", date(2026, 9, 15))
    body = r.get_data(as_text=True)
    assert "职业技能等级证书" in body and "S000123" in body
    assert db.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.object_type == "assessment", AuditLog.action == "vocational"))


def test_AP_S2_incomplete_vocational_certificate_refused(app):
    """AP-S2: all four fields or none; a future issue date is refused too."""
    programme, [e], enterprise, _institution = ended_class()
    client = client_for(app, enterprise)
    r = _save(client, "enterprise", programme, e, "passed", vocational_type="qualification")
    body = r.get_data(as_text=True)
    assert "证书编号" in body and "AP-S2" in body
    assert assessments.assessment_of(e.id) is None  # nothing half-written: no verdict either
    r = _save(client, "enterprise", programme, e, "passed", vocational_type="qualification",
              vocational_level="advanced", vocational_number="Q1",
              vocational_issued_on="2099-01-01")
    assert "发证日期不能晚于今天" in r.get_data(as_text=True)
    assert assessments.assessment_of(e.id) is None


def test_AP_W4_agreed_verdict_cannot_change_but_certificate_may_be_added(app):
    """AP-W4: after agreement a verdict cannot change; the vocational certificate may follow."""
    programme, [e], enterprise, institution = ended_class()
    ent = client_for(app, enterprise)
    _save(ent, "enterprise", programme, e, "passed")
    _save(client_for(app, institution), "institution", programme, e, "passed")
    r = _save(ent, "enterprise", programme, e, "failed")
    assert "AP-W4" in r.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert assessments.assessment_of(e.id).enterprise_verdict.value == "passed"
    _save(ent, "enterprise", programme, e, vocational_type="safety",
          vocational_level="intermediate", vocational_number="T-9", vocational_issued_on="2026-10-01")
    assert assessments.assessment_of(e.id).vocational_number == "T-9"


def test_AP_W4_edit_after_locked_refused(app):
    """AP-W4: once the final claim is approved (locked_at) every edit is refused."""
    programme, [e], enterprise, institution = ended_class()
    ent = client_for(app, enterprise)
    _save(ent, "enterprise", programme, e, "passed")
    _save(client_for(app, institution), "institution", programme, e, "passed")
    a = assessments.assessment_of(e.id)
    a.locked_at = utcnow()
    db.session.commit()
    r = _save(ent, "enterprise", programme, e, vocational_type="safety",
              vocational_level="intermediate", vocational_number="T-9",
              vocational_issued_on="2026-10-01")
    assert "剩余补贴已批准，考核结果不能再修改（规则 AP-W4）" in r.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert assessments.assessment_of(e.id).vocational_number is None


def test_AP_W4_final_claim_in_review_blocks_edits(app):
    """AP-W4: while a final-claim line for the apprentice is under review, no edit."""
    programme, [e], enterprise, _institution = ended_class()
    claim = Claim(number="BT2026-T00001", kind=ClaimKind.FINAL, programme_id=programme.id,
                  enterprise_id=programme.enterprise_id, district_code=programme.district_code,
                  state=ClaimState.SUBMITTED)
    db.session.add(claim)
    db.session.flush()
    db.session.add(ClaimLine(claim_id=claim.id, account_id=account_of(e).id, enrolment_id=e.id,
                             kind=ClaimKind.FINAL, amount=0))
    db.session.commit()
    r = _save(client_for(app, enterprise), "enterprise", programme, e, "passed")
    assert "AP-W4" in r.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert assessments.assessment_of(e.id) is None


def test_AP_S1_row_save_without_javascript_redirects_back(app):
    """AP-S1: the row form works without htmx: a full POST, then back to the class screen."""
    programme, [e], enterprise, _institution = ended_class()
    client = client_for(app, enterprise)
    r = _save(client, "enterprise", programme, e, "failed", htmx=False)
    assert r.status_code == 302 and r.headers["Location"].endswith(class_url("enterprise", programme.id))
    assert assessments.assessment_of(e.id).enterprise_verdict.value == "failed"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已保存" in page


def test_AP_S1_row_form_carries_csrf_and_htmx_attributes(app):
    """AP-S1: one small htmx form per row, targeting that row, with its CSRF token; without a
    token the POST is refused."""
    programme, [e], enterprise, _institution = ended_class()
    client = client_for(app, enterprise)
    page = client.get(class_url("enterprise", programme.id)).get_data(as_text=True)
    assert f'hx-target="#assessment-{e.id}"' in page and 'name="csrf_token"' in page
    assert f'id="assessment-{e.id}"' in page
    r = client.post(save_url("enterprise", programme.id, e.id),
                    data=row_data(e.id, "passed"), csrf=False)
    assert r.status_code == 400
    assert assessments.assessment_of(e.id) is None


def test_AP_S1_class_screen_queries_constant(app, count_queries):
    """AP-S1: the class screen costs the same number of queries for 5 and for 20 rows."""
    counts = []
    for n in (5, 20):
        programme, enrolments, enterprise, _institution = ended_class(n)
        client = client_for(app, enterprise)
        _save(client, "enterprise", programme, enrolments[0], "passed",
              vocational_type="skill_level", vocational_level="intermediate",
              vocational_number=f"S{n}", vocational_issued_on="2026-09-01")
        with count_queries() as statements:
            r = client.get(class_url("enterprise", programme.id))
        assert r.status_code == 200
        assert r.get_data(as_text=True).count('class="assessment-row"') == n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_AP_S1_worklist_counts_due_and_disagreements(app):
    """AP-S1: 待考核学徒 counts apprentices past their planned end without the party's own
    verdict; 考核意见不一致 counts disagreements (both on the party's worklist)."""
    from portal.worklist.registry import worklist_for

    programme, [e1, e2, _e3], enterprise, institution = ended_class(3)
    early = approved_programme(start_date=date(2026, 9, 1), enterprise=db.session.get(
        __import__("portal.models", fromlist=["Organisation"]).Organisation, programme.enterprise_id))
    established(early)
    ent, ins = client_for(app, enterprise), client_for(app, institution)
    _save(ent, "enterprise", programme, e1, "passed")
    _save(ins, "institution", programme, e1, "failed")
    _save(ins, "institution", programme, e2, "passed")
    with app.test_request_context():
        work = {w.key: w.count for w in worklist_for(db.session.get(type(enterprise), enterprise.id)).items}
        assert work["assessment-due"] == 2  # e2, e3 (not the class still in training)
        assert work["assessment-disagreement"] == 1
        work = {w.key: w.count for w in worklist_for(db.session.get(type(institution), institution.id)).items}
        assert work["assessment-due"] == 1  # e3
    overview = ent.get("/enterprise/assessment").get_data(as_text=True)
    assert "考核评价" in overview and class_url("enterprise", programme.id) in overview
