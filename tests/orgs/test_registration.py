"""Self-registration, and the live htmx validation pattern (C-ID2, C-ID3, AP-N1, AP-I1..I3)."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.models import (
    AuditLog,
    Document,
    DocumentKind,
    Organisation,
    OrgKind,
    ReviewState,
    Role,
    User,
)
from portal.orgs.services import licensed_occupation_ids
from tests.factories import PNG_BYTES, make_occupation, upload, use_tmp_uploads

VALID_CODE = "91110105MA01DK8E71"


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    use_tmp_uploads(app, tmp_path)


def enterprise_form(**overrides) -> dict:
    data = {
        "name": "北京测试机械有限公司", "credit_code": VALID_CODE, "district_code": "110105",
        "address": "北京市朝阳区测试路1号", "size": "small", "attests_training_system": "y",
        "contact_name": "李四", "contact_phone": "13912345678", "username": "ceshi01",
        "password": "Good-pass-1", "confirm": "Good-pass-1",
        "licence_file": upload(name="营业执照.pdf"),
    }
    data.update(overrides)
    return data


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_C_ID2_live_check_returns_only_the_error_fragment(client):
    response = client.post("/register/enterprise/check/credit_code",
                           data={"credit_code": "91110105MA01DK8E72"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="credit_code-error"' in body
    assert "C-ID2" in body
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]


def test_C_ID2_live_check_accepts_a_valid_code_and_normalises_full_width_input(client):
    full_width = "９１１１０１０５ＭＡ０１ＤＫ８Ｅ７１"
    body = client.post("/register/enterprise/check/credit_code",
                       data={"credit_code": full_width}, htmx=True).get_data(as_text=True)
    assert "C-ID2" not in body
    assert 'id="credit_code-error"' in body


def test_C_ID2_wrong_alphabet_refused(client):
    body = client.post("/register/enterprise/check/credit_code",
                       data={"credit_code": "91110105MA01DO8E71"}, htmx=True).get_data(as_text=True)
    assert "C-ID2" in body


def test_live_check_of_an_unlisted_field_is_404(client):
    assert client.post("/register/enterprise/check/password", data={}, htmx=True).status_code == 404


def test_C_ID2_same_validator_refuses_on_final_submit_and_writes_nothing(client, db):
    before = (_count(db, Organisation), _count(db, User))
    response = client.post("/register/enterprise", data=enterprise_form(credit_code="91110105MA01DK8E72"))
    assert response.status_code == 200
    assert "C-ID2" in response.get_data(as_text=True)
    assert (_count(db, Organisation), _count(db, User)) == before


def test_C_ID3_invalid_mobile_refused(client, db):
    response = client.post("/register/enterprise", data=enterprise_form(contact_phone="2391234567"))
    assert "C-ID3" in response.get_data(as_text=True)
    assert _count(db, Organisation) == 0


def test_AP_N1_enterprise_must_attest_training_system(client, db):
    data = enterprise_form()
    del data["attests_training_system"]
    response = client.post("/register/enterprise", data=data)
    assert "AP-N1" in response.get_data(as_text=True)
    assert _count(db, Organisation) == 0


def test_enterprise_registers_as_draft_with_its_first_account(client, db):
    response = client.post("/register/enterprise", data=enterprise_form())
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == VALID_CODE))
    assert org.state == ReviewState.DRAFT and org.kind == OrgKind.ENTERPRISE
    user = db.session.scalar(sa.select(User).where(User.username == "ceshi01"))
    assert user.role == Role.ENTERPRISE and user.org_id == org.id
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.object_id == org.id,
                                                        AuditLog.action == "register"))
    assert "草稿" in client.get("/enterprise/").get_data(as_text=True)


def test_C_ID2_duplicate_credit_code_refused(client, db):
    client.post("/register/enterprise", data=enterprise_form())
    client.post("/logout")
    response = client.post("/register/enterprise", data=enterprise_form(username="other01"))
    assert "已注册" in response.get_data(as_text=True)
    assert _count(db, Organisation) == 1


def test_AP_I1_AP_I3_institution_must_attest_legal_person_and_conditions(client, db):
    data = enterprise_form(institution_type="technical_school", licence_no="X-1",
                           licence_authority="市人社局", licence_valid_from="2024-01-01")
    response = client.post("/register/institution", data=data)
    body = response.get_data(as_text=True)
    assert "AP-I1" in body and "AP-I3" in body
    assert _count(db, Organisation) == 0


def test_over_long_input_is_refused_not_500(client, db):
    response = client.post("/register/enterprise", data=enterprise_form(name="长" * 500))
    assert response.status_code == 200
    assert _count(db, Organisation) == 0


def test_non_utf8_form_body_is_handled_without_500(client, db):
    token = client.csrf_token()
    body = b"name=\xff\xfe\xfa&credit_code=\xc3\x28&csrf_token=" + token.encode()
    response = client.post("/register/enterprise", data=body, csrf=False,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
    assert _count(db, Organisation) == 0


def test_AP_N1_registration_form_is_multipart_with_a_labelled_licence_field(client):
    page = client.get("/register/enterprise").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="licence_file">营业执照' in page
    assert 'type="file"' in page


def test_AP_N1_registration_stores_the_business_licence_in_the_same_transaction(client, db, app):
    assert client.post("/register/enterprise", data=enterprise_form()).status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == VALID_CODE))
    doc = db.session.get(Document, org.licence_document_id)
    assert doc.kind == DocumentKind.BUSINESS_LICENCE and doc.owner_org_id == org.id
    assert doc.content_type == "application/pdf" and doc.district_code == "110105"
    assert doc.original_name == "营业执照.pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / doc.stored_name
    assert stored.read_bytes().startswith(b"%PDF")
    # The licence is offered on the organisation's own page.
    assert f"/files/{doc.id}" in client.get("/enterprise/").get_data(as_text=True)


def test_AP_N1_registration_without_the_licence_is_refused_and_writes_nothing(client, db):
    data = enterprise_form()
    del data["licence_file"]
    response = client.post("/register/enterprise", data=data)
    assert response.status_code == 200
    assert "请上传营业执照" in response.get_data(as_text=True)
    assert (_count(db, Organisation), _count(db, User), _count(db, Document)) == (0, 0, 0)


def test_AP_I2_institution_registers_with_its_school_licence_and_occupations(client, db):
    welder = make_occupation("焊工")
    data = enterprise_form(
        institution_type="technical_school", independent_legal_person="y", licence_no="X-1",
        licence_authority="市人社局", licence_valid_from="2024-01-01", attests_conditions="y",
        occupation_ids=str(welder.id), licence_file=upload(PNG_BYTES, "许可证.png"),
    )
    assert client.post("/register/institution", data=data).status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == VALID_CODE))
    assert org.kind == OrgKind.INSTITUTION
    doc = db.session.get(Document, org.licence_document_id)
    assert doc.kind == DocumentKind.SCHOOL_LICENCE and doc.content_type == "image/png"
    assert licensed_occupation_ids(org) == [welder.id]


def test_AP_N4_enterprise_registers_as_a_subsidiary_with_few_trainees(client, db):
    form = client.get("/register/enterprise").get_data(as_text=True)
    assert 'name="subsidiary"' in form and "学徒人数较少的集团子公司" in form
    response = client.post("/register/enterprise",
                           data=enterprise_form(size="large", subsidiary="y"))
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == VALID_CODE))
    assert (org.size, org.subsidiary) == ("large", True)
