"""HS-H1 hosts: registration of a university / research institute, confirmation by the
centre alone (no district step), role scoping; HS-$2: a disqualified host may not host."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.core.errors import NotAllowed, StateConflict
from portal.core.workflow import Decision
from portal.extensions import db as _db
from portal.high_skill.calls import services as calls
from portal.models import AuditLog, Document, Organisation, OrgKind, ReviewState, Role, User
from portal.orgs import services as organisations
from tests.factories import make_org, make_user, upload, use_tmp_uploads
from tests.high_skill.factories_calls import make_host


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    use_tmp_uploads(app, tmp_path)


def host_form(**overrides) -> dict:
    from tests.factories import credit_code

    data = {
        "name": "北京测试大学", "credit_code": credit_code("110108"), "district_code": "110108",
        "address": "北京市海淀区学院路1号", "host_type": "university",
        "independent_legal_person": "y", "attests_conditions": "y",
        "contact_name": "赵老师", "contact_phone": "13912345678", "username": "daxue01",
        "password": "Good-pass-1", "confirm": "Good-pass-1",
        "licence_file": upload(name="事业单位法人证书.pdf"),
    }
    data.update(overrides)
    return data


def _org(db, name="北京测试大学") -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _trail(db, org) -> list[tuple]:
    return [(a.action, a.from_state, a.to_state) for a in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "organisation",
                                  AuditLog.object_id == org.id).order_by(AuditLog.id))]


def test_HS_H1_host_registers_submits_and_the_centre_confirms(client, login, db):
    page = client.get("/register/host").get_data(as_text=True)
    assert "承办单位注册" in page and "承办单位类型" in page and "市就业促进中心" in page
    response = client.post("/register/host", data=host_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/host/")
    org = _org(db)
    user = db.session.scalar(sa.select(User).where(User.username == "daxue01"))
    assert (org.kind, org.host_type, org.state) == (OrgKind.HOST, "university", ReviewState.DRAFT)
    assert user.role == Role.HOST and user.org_id == org.id
    assert db.session.get(Document, org.licence_document_id) is not None

    home = client.get("/host/").get_data(as_text=True)
    assert "高等院校" in home and "提交市就业促进中心审核" in home
    certificate = f"/files/{org.licence_document_id}"
    assert certificate in home and "法人登记证书" in home
    with client.get(certificate) as response:  # closes the sent file
        assert response.status_code == 200
    assert client.post("/host/organisation/submit").status_code == 302
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED
    assert calls.host_problems(org) == ["HS-H1"]
    home = client.get("/host/").get_data(as_text=True)
    # The record's own state (the timeline's labels are the shared ones).
    facts = home.split('aria-labelledby="timeline-h"')[0]
    assert "待市级确认" in facts and "待区级审核" not in facts
    client.post("/logout")

    # No district sees or reviews it, even its own.
    login(make_user(Role.DISTRICT, district="110108"))
    assert "北京测试大学" not in client.get("/district/organisations?status=all").get_data(
        as_text=True)
    assert client.get(f"/district/organisations/{org.id}").status_code == 404
    assert client.get(certificate).status_code == 404
    client.post(f"/district/organisations/{org.id}/review", data={"decision": "approve"})
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED
    client.post("/logout")

    # The centre: on its worklist, in its queue, confirmed in one step.
    login(make_user(Role.CENTER))
    home = client.get("/center/").get_data(as_text=True)
    assert 'id="work-center-hs-hosts"' in home
    queue = client.get("/center/organisations?status=submitted&kind=host").get_data(as_text=True)
    assert "北京测试大学" in queue
    detail = client.get(f"/center/organisations/{org.id}").get_data(as_text=True)
    assert "高等院校" in detail and "培训条件和经验承诺" in detail
    client.post(f"/center/organisations/{org.id}/review", data={"decision": "approve"})
    db.session.refresh(org)
    assert org.state == ReviewState.APPROVED
    assert calls.host_problems(org) == []
    assert _trail(db, org) == [("register", None, "draft"), ("submit", "draft", "submitted"),
                               ("approve", "submitted", "approved")]


def test_HS_H1_registration_requires_the_legal_person_attestation(client, db):
    data = host_form()
    del data["independent_legal_person"]
    body = client.post("/register/host", data=data).get_data(as_text=True)
    assert "HS-H1" in body
    assert _org(db) is None


def test_HS_H1_registration_refuses_an_unknown_host_type(client, db):
    body = client.post("/register/host", data=host_form(host_type="enterprise")).get_data(
        as_text=True)
    assert _org(db) is None
    assert "承办单位类型" in body


def test_HS_H1_service_refuses_a_host_without_attestations(db):
    from portal.rules import RuleViolation

    fields = {"name": "某研究所", "credit_code": host_form()["credit_code"],
              "district_code": "110108", "address": "x", "contact_name": "y",
              "contact_phone": "13912345678", "host_type": "research_institute",
              "independent_legal_person": False, "attests_conditions": True}
    with pytest.raises(RuleViolation) as refused:
        organisations.register(OrgKind.HOST, fields, "yanjiusuo", "Good-pass-1")
    assert refused.value.rule_ids == ["HS-H1"]


def test_HS_H1_centre_returns_a_host_and_it_edits_and_resubmits(client, login, db):
    org, host = make_host(OrgKind.HOST, ReviewState.SUBMITTED)
    organisations.center_review(make_user(Role.CENTER), org, Decision.RETURN, "请上传法人证书")
    db.session.commit()
    assert org.state == ReviewState.RETURNED
    login(host)
    assert client.get("/host/organisation/edit").status_code == 200
    data = host_form(name=org.name, credit_code=org.credit_code, host_type="research_institute")
    for key in ("username", "password", "confirm"):
        del data[key]
    assert client.post("/host/organisation/edit", data=data).status_code == 302
    db.session.refresh(org)
    assert org.host_type == "research_institute"
    client.post("/host/organisation/submit")
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED


def test_HS_H1_a_district_cannot_decide_a_host(db):
    org, _host = make_host(OrgKind.HOST, ReviewState.SUBMITTED, district="110105")
    with pytest.raises(NotAllowed):
        organisations.district_review(make_user(Role.DISTRICT, district="110105"), org,
                                      Decision.APPROVE)


def test_HS_H1_enterprise_still_needs_its_district_first(db):
    org = make_org(OrgKind.ENTERPRISE, state=ReviewState.SUBMITTED)
    with pytest.raises(StateConflict):
        organisations.center_review(make_user(Role.CENTER), org, Decision.APPROVE)


@pytest.mark.parametrize("kind", [OrgKind.ENTERPRISE, OrgKind.INSTITUTION, OrgKind.HOST])
def test_HS_H1_a_confirmed_organisation_of_each_kind_may_host(db, kind):
    org, _user = make_host(kind)
    assert calls.host_problems(org) == []


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.SUBMITTED,
                                   ReviewState.DISTRICT_APPROVED, ReviewState.RETURNED,
                                   ReviewState.REJECTED])
def test_HS_H1_an_unconfirmed_organisation_may_not_host(db, state):
    org, _user = make_host(OrgKind.ENTERPRISE, state)
    assert calls.host_problems(org) == ["HS-H1"]


def test_HS_H1_an_institution_without_legal_personality_may_not_host(db):
    org, _user = make_host(OrgKind.INSTITUTION, independent_legal_person=False)
    assert calls.host_problems(org) == ["HS-H1"]


def test_HS_subsidy_2_disqualified_host_may_not_host(db):
    org, _user = make_host(disqualified=True)
    assert calls.host_problems(org) == ["HS-$2"]
    org.state = ReviewState.SUBMITTED
    assert calls.host_problems(org) == ["HS-H1", "HS-$2"]
    from portal.rules import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        calls.check_host(org)
    assert "HS-$2" in refused.value.message


def test_HS_subsidy_2_lifting_nothing_else_changes_the_answer(db):
    org, _user = make_host()
    org.hs_disqualified_at = datetime(2026, 3, 1)
    assert calls.host_problems(org) == ["HS-$2"]
    org.hs_disqualified_at = None
    assert calls.host_problems(org) == []


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.TRAINEE, Role.ENTERPRISE])
def test_HS_H1_host_pages_refuse_other_roles(client, login, db, role):
    org = make_org(OrgKind.ENTERPRISE, state=ReviewState.APPROVED)
    user = make_user(role, district="110105" if role == Role.DISTRICT else None,
                     org=org if role == Role.ENTERPRISE else None)
    login(user)
    assert client.get("/host/").status_code == 403
    assert client.get("/host/hs/open-calls").status_code == 403


def _proposal(org, call):
    from datetime import date

    from portal.models import HsProposal

    proposal = HsProposal(call_id=call.id, host_id=org.id, year=call.year, title="数控研修",
                          starts_on=date(call.year, 6, 1), ends_on=date(call.year, 6, 30))
    _db.session.add(proposal)
    _db.session.commit()
    return proposal


def test_HS_subsidy_2_centre_lists_hosts_with_their_disqualification(client, login, db, count_queries):
    from tests.high_skill.factories_calls import make_call

    call = make_call()
    university, _u = make_host(OrgKind.HOST, name="北京某大学")
    hosting, _e = make_host(name="某精工企业")
    _proposal(hosting, call)
    _proposal(hosting, call)
    banned, _b = make_host(OrgKind.HOST, name="某研究院", disqualified=True)
    make_host(name="未申报的企业")  # an enterprise that never replied is not a host yet
    make_host(OrgKind.HOST, ReviewState.SUBMITTED, name="待确认的学院")
    login(make_user(Role.CENTER))
    with count_queries() as statements:
        body = client.get("/center/hs/hosts").get_data(as_text=True)
    assert len(statements) < 12
    for name in ("北京某大学", "某精工企业", "某研究院"):
        assert name in body
    assert "未申报的企业" not in body and "待确认的学院" not in body
    assert body.index("某研究院") < body.index("北京某大学")  # disqualified first
    assert "虚报学员骗取补贴" in body
    row = body.split(f'id="hs-host-{hosting.id}"')[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    only = client.hx_get("/center/hs/hosts?disqualified=1").get_data(as_text=True)
    assert "<html" not in only and "某研究院" in only and "北京某大学" not in only
    assert university.id and banned.id


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.ENTERPRISE, Role.EXPERT])
def test_HS_H1_host_list_is_the_centres(client, login, db, role):
    org = make_org(OrgKind.ENTERPRISE, state=ReviewState.APPROVED)
    login(make_user(role, district="110105" if role == Role.DISTRICT else None,
                    org=org if role == Role.ENTERPRISE else None))
    assert client.get("/center/hs/hosts").status_code == 403


def test_HS_H1_host_registration_checks_fields_live(client, db):
    response = client.post("/register/host/check/credit_code",
                           data={"credit_code": "91110105MA01DK8E72"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "C-ID2" in body
