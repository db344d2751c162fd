"""AP-V4: districts (their own enterprises, C-DIST) and the centre score an enterprise for a
year; the total gives the conclusion by bands; a failed third-party audit of the same
enterprise and year forces 不合格 (一票否决), shown with its reason, also on an evaluation
recorded before the audit."""

from datetime import date

import pytest
import sqlalchemy as sa

from portal import rules
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import AuditLog, Evaluation, ReviewState, Role
from portal.supervision.audits import results
from portal.supervision.evaluations import services
from tests.factories import make_org, make_user
from tests.supervision.audits.audit_helpers import centre, make_firm, only_indicators

CHAOYANG, HAIDIAN = "110105", "110108"


@pytest.mark.parametrize(("total", "full", "conclusion"), [
    (90, 100, "优秀"), (89, 100, "良好"), (80, 100, "良好"), (79, 100, "合格"),
    (60, 100, "合格"), (59, 100, "不合格"), (27, 30, "优秀"), (0, 0, "不合格")])
def test_AP_V4_conclusion_bands(total, full, conclusion):
    assert rules.evaluation_conclusion(total, full) == conclusion


def test_AP_V4_veto_forces_fail_whatever_the_score():
    assert rules.evaluation_veto("优秀", audit_failed=True) == ("不合格", True)
    assert rules.evaluation_veto("优秀", audit_failed=False) == ("优秀", False)


def _sheet(org, indicators, scores, year=2025):
    data = {"credit_code": org.credit_code, "year": str(year), "comment": "评价意见"}
    data.update({f"score_{i.id}": str(s) for i, s in zip(indicators, scores, strict=True)})
    return data


def _enterprise(district=CHAOYANG):
    return make_org(district=district, state=ReviewState.APPROVED)


def _failed_audit(org, year=2025):
    result = results.record_result(centre(), org, year=year, firm=make_firm(), passed=False,
                                   findings="考勤记录与补贴申领不符", audited_on=date(2026, 3, 1),
                                   day=date(2026, 12, 1))
    db.session.commit()
    return result


def test_AP_V4_district_scores_its_enterprise(client, login, db):
    indicators = only_indicators(60, 40)
    org = _enterprise()
    login(make_user(Role.DISTRICT, district=CHAOYANG))
    response = client.post("/district/evaluations/score", data=_sheet(org, indicators, (50, 35)))
    assert response.status_code == 302, response.get_data(as_text=True)
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.organisation_id == org.id))
    assert (evaluation.total, evaluation.conclusion, evaluation.level) == (85, "良好", "district")
    assert not evaluation.vetoed
    assert db.session.scalar(sa.select(AuditLog.to_state).where(
        AuditLog.object_type == "evaluation", AuditLog.object_id == evaluation.id)) == "良好"


def test_AP_V4_failed_audit_vetoes_evaluation(client, login, db):
    indicators = only_indicators(60, 40)
    org = _enterprise()
    _failed_audit(org)
    login(make_user(Role.DISTRICT, district=CHAOYANG))
    response = client.post("/district/evaluations/score", data=_sheet(org, indicators, (60, 40)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.organisation_id == org.id))
    assert (evaluation.total, evaluation.conclusion, evaluation.vetoed) == (100, "不合格", True)
    assert "一票否决" in page and "考勤记录与补贴申领不符" in page
    assert 'id="veto-reason"' in page


def test_AP_V4_later_failed_audit_re_vetoes_an_existing_evaluation(client, login, db):
    indicators = only_indicators(100)
    org = _enterprise()
    services.evaluate(make_user(Role.DISTRICT, district=CHAOYANG), org, year=2025,
                      scores={indicators[0].id: 95})
    services.evaluate(make_user(Role.CENTER), org, year=2025, scores={indicators[0].id: 92})
    other_year = services.evaluate(make_user(Role.CENTER), org, year=2024,
                                   scores={indicators[0].id: 92})
    db.session.commit()
    login(centre())
    response = client.post("/center/audits/results", data={
        "credit_code": org.credit_code, "year": "2025", "firm_id": "0", "passed": "0",
        "audited_on": "2026-03-01", "findings": "虚报学徒人数"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Evaluation).where(Evaluation.organisation_id == org.id,
                                                          Evaluation.year == 2025)).all()
    assert len(rows) == 2
    assert all(e.conclusion == "不合格" and e.vetoed and "虚报学徒人数" in e.veto_reason
               for e in rows)
    assert db.session.get(Evaluation, other_year.id).conclusion == "优秀"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "evaluation", AuditLog.action == "veto")) == 2


def test_C_DIST_peer_district_refused(client, login, db):
    indicators = only_indicators(100)
    org = _enterprise(CHAOYANG)
    evaluation = services.evaluate(make_user(Role.DISTRICT, district=CHAOYANG), org, year=2025,
                                   scores={indicators[0].id: 70})
    db.session.commit()
    login(make_user(Role.DISTRICT, district=HAIDIAN))
    response = client.post("/district/evaluations/score", data=_sheet(org, indicators, (90,)))
    assert response.status_code == 422
    assert "本辖区没有该统一社会信用代码" in response.get_data(as_text=True)
    assert client.get(f"/district/evaluations/{evaluation.id}").status_code == 404
    assert f"evaluation-{evaluation.id}" not in client.get("/district/evaluations").get_data(
        as_text=True)
    with pytest.raises(ServiceError, match="C-DIST"):
        services.evaluate(make_user(Role.DISTRICT, district=HAIDIAN), org, year=2025,
                          scores={indicators[0].id: 90})
    db.session.rollback()
    assert db.session.get(Evaluation, evaluation.id).total == 70


def test_AP_V4_scores_beyond_max_refused(client, login, db):
    indicators = only_indicators(60, 40)
    org = _enterprise()
    login(make_user(Role.DISTRICT, district=CHAOYANG))
    response = client.post("/district/evaluations/score", data=_sheet(org, indicators, (61, 40)))
    assert response.status_code == 422
    assert "得分须在0至60分之间（规则 AP-V4）" in response.get_data(as_text=True)
    response = client.post("/district/evaluations/score", data=_sheet(org, indicators, (-1, 40)))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0
    with pytest.raises(ServiceError, match="AP-V4"):
        services.evaluate(make_user(Role.CENTER), org, year=2025,
                          scores={indicators[0].id: 60, indicators[1].id: 41})


def test_AP_V4_audit_result_is_unique_per_organisation_and_year(db):
    org = _enterprise()
    _failed_audit(org)
    with pytest.raises(ServiceError, match="已登记"):
        results.record_result(centre(), org, year=2025, firm=None, passed=True, findings="",
                              audited_on=date(2026, 3, 2), day=date(2026, 12, 1))


def test_AP_V4_indicators_are_a_centre_setting(client, login, db):
    login(centre())
    response = client.post("/center/evaluations/indicators", data={
        "code": "X9", "name": "学徒满意度", "max_score": "10", "position": "7", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "X9" in [i.code for i in services.active_indicators()]
    client.post("/logout")
    login(make_user(Role.DISTRICT, district=CHAOYANG))
    assert client.get("/district/evaluations/indicators").status_code == 404
    assert client.get("/center/evaluations/indicators").status_code == 403
