"""C-REV: a returned record says so where its owner looks; when it comes back the reviewer
sees what changed since the return (old → new, files included), or 未修改."""

from dataclasses import replace

import sqlalchemy as sa

from portal.apprenticeship.enrolment import services as enrolments
from portal.apprenticeship.enrolment.checks import Registration
from portal.apprenticeship.programmes import services as programmes
from portal.core.workflow import Decision
from portal.models import (
    Apprentice,
    Document,
    DocumentKind,
    EnrolmentState,
    Organisation,
    ReviewState,
    Role,
    User,
)
from portal.orgs import services as organisations
from tests.enrolment_factories import make_enrolment
from tests.factories import PDF_BYTES, make_document, make_org, make_user, use_tmp_uploads
from tests.programme_factories import make_programme


def _district():
    return make_user(Role.DISTRICT, district="110105")


def _returned_enrolment(db, client, login):
    """Returned from its detail page with two fields pointed at, then the wage corrected."""
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, with_user=False)
    login(_district())
    response = client.post(f"/district/enrolments/{enrolment.id}/review", data={
        "decision": "return", "comment": "工资与合同不一致，请核实",
        "pointed": ["培训期间月工资（元）", "劳动合同"]})
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert enrolment.state == EnrolmentState.RETURNED
    return enrolment


def test_C_REV_returned_registration_banner_shows_comment_fields_and_edit(db, client, login):
    enrolment = _returned_enrolment(db, client, login)
    client.post("/logout")
    login(make_user(Role.ENTERPRISE, org=db.session.get(Organisation, enrolment.enterprise_id)))
    page = client.get(f"/enterprise/enrolments/{enrolment.id}").get_data(as_text=True)
    banner = page[page.index('id="return-note-h"'):]
    assert "工资与合同不一致，请核实" in banner
    assert "需修改的项目：" in banner and "培训期间月工资（元）、劳动合同" in banner
    assert f"/enterprise/enrolments/{enrolment.id}/edit" in banner


def test_C_REV_resubmitted_registration_shows_old_and_new_and_what_was_left(db, client, login):
    enrolment = _returned_enrolment(db, client, login)
    owner = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, enrolment.enterprise_id))
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    enrolments.update(owner, enrolment,
                      replace(Registration.of(enrolment, person), monthly_wage=7300))
    enrolments.submit(owner, enrolment)
    db.session.commit()
    queue = client.get("/district/enrolments?status=submitted").get_data(as_text=True)
    row = queue[queue.index(f'id="enrolment-{enrolment.id}"'):]
    assert "重新提交：修改 1 项" in row and "<del>6000</del>" in row and "<mark>7300</mark>" in row
    assert "退回时指出、仍未修改：劳动合同" in row
    detail = client.get(f"/district/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "退回后的修改" in detail and "<mark>7300</mark>" in detail
    assert 'name="pointed"' in detail  # the next return can point at fields again


def test_C_REV_unchanged_resubmission_says_so(db, client, login):
    programme = make_programme(state=ReviewState.SUBMITTED)
    district = _district()
    programmes.district_review(district, programme, Decision.RETURN, "请补充教材清单")
    owner = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))
    # The engine's resubmission (the plan checks of programmes.submit are tested elsewhere).
    programmes.WORKFLOW.apply(owner, programme, "submit")
    db.session.commit()
    login(district)
    queue = client.get("/district/programmes?status=submitted").get_data(as_text=True)
    row = queue[queue.index(f'id="programme-{programme.id}"'):]
    assert "重新提交：未修改" in row[:row.index("</tr>")]


def test_C_REV_a_replaced_file_counts_as_a_changed_field(app, db, client, login, tmp_path):
    use_tmp_uploads(app, tmp_path)
    org = make_org(state=ReviewState.SUBMITTED)
    make_document(org, name="营业执照.pdf")
    district = _district()
    organisations.district_review(district, org, Decision.RETURN, "营业执照不清晰",
                                  pointed=[organisations.LICENCE_FILE])
    owner = make_user(Role.ENTERPRISE, org=org)
    db.session.commit()
    make_document(org, data=PDF_BYTES + b"%clearer scan", name="营业执照-清晰版.pdf")
    organisations.submit(owner, org)
    db.session.commit()
    login(district)
    detail = client.get(f"/district/organisations/{org.id}").get_data(as_text=True)
    section = detail[detail.index("退回后的修改"):]
    assert organisations.LICENCE_FILE in section and "营业执照-清晰版.pdf" in section
    assert "仍未修改" not in section  # the file the reviewer pointed at was replaced
    snapshots = db.session.execute(sa.text("select count(*) from return_snapshot")).scalar()
    assert snapshots == 1


def test_C_REV_changes_on_a_page_of_resubmissions_cost_no_query_per_row(db, client, login,
                                                                       count_queries):
    district = _district()
    district_id = district.id

    def resubmitted(n):
        district = db.session.get(User, district_id)
        for _ in range(n):
            programme = make_programme(state=ReviewState.SUBMITTED)
            doc = Document(kind=DocumentKind.COOPERATION_AGREEMENT,
                           owner_org_id=programme.enterprise_id, district_code="110105",
                           original_name="合作协议.pdf", stored_name=f"{programme.id}-a.pdf",
                           content_type="application/pdf", size_bytes=2048, sha256="0" * 64)
            db.session.add(doc)
            db.session.flush()
            programme.agreement_document_id = doc.id
            programmes.district_review(district, programme, Decision.RETURN, "请补充")
            programme.planned_count += 1
            owner = make_user(Role.ENTERPRISE,
                              org=db.session.get(Organisation, programme.enterprise_id))
            programmes.WORKFLOW.apply(owner, programme, "submit")
        db.session.commit()

    login(district)
    resubmitted(1)
    db.session.expunge_all()  # a request starts with an empty session
    with count_queries() as one:
        client.get("/district/programmes?status=submitted")
    resubmitted(4)
    db.session.expunge_all()
    with count_queries() as five:
        body = client.get("/district/programmes?status=submitted").get_data(as_text=True)
    assert body.count("重新提交：修改 1 项") == 5
    assert len(five) == len(one), "\n".join(s[:150] for s in five)


def test_C_REV_fields_posted_to_a_kind_without_snapshots_are_ignored(db, client, login):
    from tests.enrolment_factories import make_status_change

    change = make_status_change(make_enrolment(), "suspend")
    login(_district())
    response = client.post(f"/district/status-changes/{change.id}/review", htmx=True,
                           data={"decision": "return", "comment": "请补充证明",
                                 "pointed": ["生效日期"]})
    assert response.status_code == 200
