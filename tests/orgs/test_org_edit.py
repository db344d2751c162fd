"""An organisation edits its own data while draft or returned, then resubmits (AP-W4, C-REV)."""

import pytest
import sqlalchemy as sa

from portal.core.errors import NotAllowed
from portal.core.workflow import Decision
from portal.models import AuditLog, Document, OrgKind, ReviewState, Role
from portal.orgs import services as organisations
from tests.factories import (
    PNG_BYTES,
    make_document,
    make_institution,
    make_occupation,
    make_org,
    make_user,
    upload,
    use_tmp_uploads,
)

EDIT = "/enterprise/organisation/edit"


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    use_tmp_uploads(app, tmp_path)


def edit_form(org, **overrides) -> dict:
    """What the edit page posts back for an enterprise, with `overrides` applied."""
    data = {
        "name": org.name, "credit_code": org.credit_code, "district_code": org.district_code,
        "address": org.address, "contact_name": org.contact_name,
        "contact_phone": org.contact_phone, "size": org.size or "small",
        "attests_training_system": "y",
    }
    data.update(overrides)
    return data


def _edits(db, org) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "organisation", AuditLog.object_id == org.id,
        AuditLog.action == "edit")))


@pytest.fixture
def owner():
    org = make_org(OrgKind.ENTERPRISE, "110105", ReviewState.DRAFT)
    return make_user(Role.ENTERPRISE, org=org), org


def test_AP_W4_owner_opens_the_edit_page_prefilled(client, login, owner):
    user, org = owner
    login(user)
    page = client.get(EDIT).get_data(as_text=True)
    assert f'value="{org.name}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "更换营业执照" in page and "username" not in page and "password" not in page


def test_AP_W4_owner_edits_a_draft_and_the_edit_is_audited(client, login, owner, db):
    user, org = owner
    login(user)
    response = client.post(EDIT, data=edit_form(org, name="北京新名称机械有限公司",
                                                 address="北京市朝阳区新路8号"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/enterprise/")
    db.session.refresh(org)
    assert org.name == "北京新名称机械有限公司" and org.address == "北京市朝阳区新路8号"
    assert org.state == ReviewState.DRAFT
    [entry] = _edits(db, org)
    assert entry.actor_id == user.id and "单位名称" in entry.comment and "注册地址" in entry.comment
    assert "修改" in client.get("/enterprise/").get_data(as_text=True)


def test_AP_W4_owner_replaces_the_licence_and_the_old_file_is_kept(client, login, owner, db):
    user, org = owner
    old = make_document(org)
    login(user)
    response = client.post(EDIT, data=edit_form(org, licence_file=upload(PNG_BYTES, "新执照.png")))
    assert response.status_code == 302
    db.session.refresh(org)
    new = db.session.get(Document, org.licence_document_id)
    assert new.id != old.id and new.content_type == "image/png"
    assert db.session.get(Document, old.id) is not None  # earlier evidence stays on file
    assert "更换营业执照" in _edits(db, org)[0].comment


def test_AP_W4_disguised_replacement_is_refused_and_nothing_changes(client, login, owner, db):
    user, org = owner
    login(user)
    response = client.post(EDIT, data=edit_form(org, name="不应保存",
                                                 licence_file=upload(b"MZ\x90\x00" * 64, "a.pdf")))
    assert response.status_code == 200
    assert "文件类型不受支持" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.name != "不应保存" and org.licence_document_id is None and not _edits(db, org)


@pytest.mark.parametrize("state", [ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED,
                                   ReviewState.APPROVED, ReviewState.REJECTED])
def test_AP_W4_editing_after_submission_is_refused(client, login, db, state):
    org = make_org(state=state)
    login(make_user(Role.ENTERPRISE, org=org))
    page = client.get(EDIT)
    assert page.status_code == 302 and page.headers["Location"].endswith("/enterprise/")
    response = client.post(EDIT, data=edit_form(org, name="审核中被改名"), follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "AP-W4" in body and "不能修改" in body
    db.session.refresh(org)
    assert org.name != "审核中被改名" and org.state == state and not _edits(db, org)
    assert "修改单位信息" not in body  # no edit button when the POST would be refused


def test_AP_W4_submission_between_get_and_post_wins(db, owner):
    user, org = owner
    # The owner's colleague submits after the edit page was loaded (org still says draft).
    db.session.execute(sa.text("UPDATE organisation SET state='submitted' WHERE id=:id"),
                       {"id": org.id})
    with pytest.raises(NotAllowed, match="AP-W4"):
        organisations.update(user, org, edit_form(org, name="迟到的修改",
                                                  attests_training_system=True))
    db.session.rollback()
    db.session.refresh(org)
    assert org.name != "迟到的修改" and not _edits(db, org)


def test_AP_W4_only_the_owner_may_edit(db, owner):
    _user, org = owner
    stranger = make_user(Role.ENTERPRISE, org=make_org())
    reviewer = make_user(Role.DISTRICT, district="110105")
    for actor in (stranger, reviewer):
        with pytest.raises(NotAllowed):
            organisations.update(actor, org, edit_form(org, attests_training_system=True))
        db.session.rollback()


def test_AP_W4_forged_form_cannot_edit_another_organisation(client, login, owner, db):
    user, org = owner
    victim = make_org(name="另一家单位")
    login(user)
    forged = edit_form(org, name="被篡改", id=victim.id, org_id=victim.id,
                       status="approved", kind="institution", licence_document_id="1")
    assert client.post(EDIT, data=forged).status_code == 302
    db.session.refresh(victim)
    db.session.refresh(org)
    assert victim.name == "另一家单位"
    # Only the signed-in user's own organisation changed, and only its own fields.
    assert org.name == "被篡改" and org.state == ReviewState.DRAFT
    assert org.kind == OrgKind.ENTERPRISE and org.licence_document_id is None


def test_AP_W4_other_roles_cannot_open_the_edit_page(client, login):
    login(make_user(Role.DISTRICT, district="110105"))
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, data={}).status_code == 403


def test_C_ID2_edit_keeps_its_own_code_but_cannot_take_another(client, login, owner, db):
    user, org = owner
    other = make_org()
    login(user)
    body = client.post(EDIT, data=edit_form(org, credit_code=other.credit_code)).get_data(as_text=True)
    assert "已注册" in body
    db.session.refresh(org)
    assert org.credit_code != other.credit_code
    # Its own, unchanged code is not a duplicate of itself.
    assert client.post(EDIT, data=edit_form(org)).status_code == 302


def test_C_ID2_edit_runs_the_registration_validators(client, login, owner, db):
    user, org = owner
    login(user)
    body = client.post(EDIT, data=edit_form(org, credit_code="91110105MA01DK8E72",
                                            attests_training_system="")).get_data(as_text=True)
    assert "C-ID2" in body and "AP-N1" in body
    assert not _edits(db, org)


def test_C_REV_returned_record_shows_the_comment_then_is_edited_and_resubmitted(client, login, db):
    org = make_org(state=ReviewState.SUBMITTED)
    owner = make_user(Role.ENTERPRISE, org=org)
    organisations.district_review(make_user(Role.DISTRICT, district="110105"), org,
                                  Decision.RETURN, "营业执照照片模糊，请重新上传")
    db.session.commit()

    login(owner)
    home = client.get("/enterprise/").get_data(as_text=True)
    assert 'class="flash flash-warning" role="alert"' in home
    assert "营业执照照片模糊，请重新上传" in home.split("单位信息")[0]  # above the facts
    assert "/enterprise/organisation/edit" in home and "重新提交所在区审核" in home

    data = edit_form(org, licence_file=upload(PNG_BYTES, "清晰执照.png"))
    assert client.post(EDIT, data=data).status_code == 302
    assert client.post("/enterprise/organisation/submit").status_code == 302
    db.session.refresh(org)
    assert org.state == ReviewState.SUBMITTED and org.licence_document_id is not None
    actions = [a.action for a in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.object_type == "organisation",
                                  AuditLog.object_id == org.id).order_by(AuditLog.id))]
    assert actions == ["return", "edit", "submit"]
    assert client.get(EDIT).status_code == 302  # under review again: locked


def test_AP_I2_institution_edits_its_licensed_occupations(client, login, db):
    welder, fitter = make_occupation("焊工"), make_occupation("钳工")
    org = make_institution(state=ReviewState.RETURNED, occupations=[welder])
    login(make_user(Role.INSTITUTION, org=org))
    page = client.get("/institution/organisation/edit").get_data(as_text=True)
    assert f'<option selected value="{welder.id}">' in page  # prefilled from the record
    assert f'<option value="{fitter.id}">' in page and "更换办学许可证或培训资质证明" in page
    data = edit_form(org, institution_type="private", independent_legal_person="y",
                     licence_no=org.licence_no, licence_authority="市人社局",
                     licence_valid_from="2024-01-01", licence_valid_to="2028-12-31",
                     attests_conditions="y", occupation_ids=[str(fitter.id)])
    del data["size"], data["attests_training_system"]
    assert client.post("/institution/organisation/edit", data=data).status_code == 302
    db.session.refresh(org)
    assert organisations.licensed_occupation_ids(org) == [fitter.id]
    assert org.institution_type == "private" and str(org.licence_valid_to) == "2028-12-31"


def test_C_DIST_moving_district_moves_the_licence_to_the_new_reviewer(client, login, owner, db):
    user, org = owner
    doc = make_document(org)
    login(user)
    assert client.post(EDIT, data=edit_form(org, district_code="110108")).status_code == 302
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110108"))
    with client.get(f"/files/{doc.id}") as response:
        assert response.status_code == 200
    client.post("/logout")
    login(make_user(Role.DISTRICT, district="110105"))
    with client.get(f"/files/{doc.id}") as response:
        assert response.status_code == 404



def test_AP_N4_owner_states_it_is_a_subsidiary_and_the_district_sees_it(client, login, owner, db):
    user, org = owner
    login(user)
    page = client.get(EDIT).get_data(as_text=True)
    assert 'name="subsidiary"' in page and "学徒人数较少的集团子公司" in page
    response = client.post(EDIT, data=edit_form(org, size="large", subsidiary="y"))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.subsidiary is True
    assert "学徒人数较少的集团子公司" in _edits(db, org)[0].comment
    assert "学徒人数较少的集团子公司" in client.get("/enterprise/").get_data(as_text=True)
    client.post("/logout")

    org.state = ReviewState.SUBMITTED
    db.session.commit()
    login(make_user(Role.DISTRICT, district=org.district_code))
    review = client.get(f"/district/organisations/{org.id}").get_data(as_text=True)
    assert "学徒人数较少的集团子公司</dt><dd>是</dd>" in review
