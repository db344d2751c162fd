"""AP-S1, C-AUD: the centre revokes a certificate with a reason; audited; nobody else can."""

import pytest
import sqlalchemy as sa

from portal.certificates import services
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.extensions import db
from portal.models import AuditLog, Certificate, Programme, Role
from tests.certificates.helpers import certificate_for, enterprise_user
from tests.factories import make_user


def _audit(certificate_id: int, action: str):
    return db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "certificate", AuditLog.object_id == certificate_id,
        AuditLog.action == action)).all()


def test_AP_S1_centre_revokes_with_reason_audited(app, client, login):
    """AP-S1, C-AUD: the centre's form revokes; the audit record has who, states and reason."""
    certificate, _ = certificate_for()
    centre = make_user(Role.CENTER)
    login(centre)
    page = client.get(f"/center/certificates/{certificate.id}").get_data(as_text=True)
    assert "撤销理由" in page and 'for="reason"' in page
    response = client.post(f"/center/certificates/{certificate.id}/revoke",
                           data={"reason": "考核材料不实"})
    assert response.status_code == 302
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert not revoked.valid and revoked.revoked_reason == "考核材料不实"
    assert revoked.revoked_by_id == centre.id
    [entry] = _audit(certificate.id, "revoke")
    assert (entry.actor_id, entry.actor_role) == (centre.id, "center")
    assert (entry.from_state, entry.to_state, entry.comment) == ("valid", "revoked", "考核材料不实")
    page = client.get(f"/center/certificates/{certificate.id}").get_data(as_text=True)
    assert "已撤销" in page and "撤销证书</button>" not in page


def test_AP_S1_revoke_requires_reason(app, client, login):
    """AP-S1, C-AUD: a blank reason is refused (form and service), nothing is written."""
    certificate, _ = certificate_for()
    centre = make_user(Role.CENTER)
    login(centre)
    response = client.post(f"/center/certificates/{certificate.id}/revoke",
                           data={"reason": "   "})
    assert response.status_code == 422
    assert "须填写撤销理由" in response.get_data(as_text=True)
    with pytest.raises(ServiceError, match="C-AUD"):
        services.revoke(centre, certificate, "  ")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).valid
    assert _audit(certificate.id, "revoke") == []


def test_AP_S1_revoke_refused_when_already_revoked(app, client, login):
    """AP-S1: revoking a revoked certificate is refused; one audit record stays."""
    certificate, _ = certificate_for()
    centre = make_user(Role.CENTER)
    services.revoke(centre, certificate, "第一次")
    db.session.commit()
    with pytest.raises(StateConflict, match="不能重复撤销"):
        services.revoke(centre, certificate, "第二次")
    db.session.rollback()
    login(centre)
    response = client.post(f"/center/certificates/{certificate.id}/revoke",
                           data={"reason": "第二次"}, follow_redirects=True)
    assert "不能重复撤销" in response.get_data(as_text=True)
    assert len(_audit(certificate.id, "revoke")) == 1
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).revoked_reason == "第一次"


def test_AP_S1_revoke_refused_for_non_centre(app, client, login):
    """AP-S1: only the centre revokes: the enterprise has no such route, the service refuses."""
    certificate, enrolment = certificate_for()
    owner = enterprise_user(db.session.get(Programme, enrolment.programme_id))
    with pytest.raises(NotAllowed, match="市就业促进中心"):
        services.revoke(owner, certificate, "企业想撤销")
    db.session.rollback()
    login(owner)
    page = client.get(f"/enterprise/certificates/{certificate.id}").get_data(as_text=True)
    assert "撤销理由" not in page
    response = client.post(f"/enterprise/certificates/{certificate.id}/revoke",
                           data={"reason": "企业想撤销"})
    assert response.status_code in (404, 405)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).valid
