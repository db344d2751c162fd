"""AP-V4, HS-W10: the centre registers an audit firm and its auditor accounts; an auditor
belongs to its firm (a database constraint) and must set its own password first."""

import pytest
import sqlalchemy as sa

from portal.models import Organisation, OrgKind, Role, User
from tests.factories import credit_code, log_in, make_user
from tests.supervision.audits.audit_helpers import centre

PASSWORD = "Audit-firm-2026"


def test_AP_V4_centre_creates_firm_and_auditor_account(client, login, db):
    login(centre())
    code = credit_code()
    response = client.post("/center/audits/firms", data={
        "name": "北京某会计师事务所", "credit_code": code, "district_code": "110105",
        "contact_name": "张三", "contact_phone": "13800138000"})
    assert response.status_code == 302, response.get_data(as_text=True)
    firm = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == code))
    assert firm.kind == OrgKind.AUDIT_FIRM
    response = client.post("/center/audits/accounts", data={
        "firm_id": firm.id, "username": "auditor-a", "display_name": "审计员甲",
        "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.username == "auditor-a"))
    assert (user.role, user.org_id, user.must_change_password) == (Role.AUDITOR, firm.id, True)
    assert "auditor-a" in client.get("/center/audits/firms").get_data(as_text=True)
    client.post("/logout")
    log_in(client, user, PASSWORD)
    # First login: the password is the auditor's to set before anything else.
    assert client.get("/auditor/").headers["Location"].startswith("/account/password")


def test_AP_V4_account_refused_for_a_firm_that_is_not_one(client, login, db):
    login(centre())
    response = client.post("/center/audits/accounts", data={
        "firm_id": "999999", "username": "x-auditor", "password": PASSWORD})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User.id).where(User.username == "x-auditor")) is None


def test_AP_V4_an_auditor_must_belong_to_a_firm(db):
    with pytest.raises(sa.exc.IntegrityError):
        make_user(Role.AUDITOR)
    db.session.rollback()


def test_AP_V4_only_the_centre_manages_firms(client, login):
    login(make_user(Role.DISTRICT, district="110105"))
    assert client.get("/center/audits/firms").status_code == 403
    assert client.get("/district/audits/firms").status_code == 404
