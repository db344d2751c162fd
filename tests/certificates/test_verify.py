"""AP-S1, C-PII: the public verification page (no login): valid / revoked / unknown, the
holder's name masked, rate-limited, and no help for guessing numbers."""

from portal import rules
from portal.certificates import services
from portal.extensions import db
from portal.models import Role
from tests.certificates.helpers import certificate_for
from tests.factories import make_user


def test_AP_S1_public_verify_valid_certificate(app, client):
    """AP-S1: a valid number shows 有效, the programme, the date and the issuer, no login."""
    certificate, _ = certificate_for(name="张三丰")
    response = client.get(f"/verify/{certificate.number}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "有效" in page and "已撤销" not in page
    assert certificate.title in page and certificate.issuer_name in page
    assert "2026-11-30" in page and certificate.kind.label in page


def test_C_PII_public_verify_masks_holder_name(app, client):
    """C-PII: the public page shows the holder's first character only."""
    certificate, _ = certificate_for(name="张三丰")
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "张**" in page
    assert "张三丰" not in page and "三丰" not in page


def test_C_PII_mask_name_rule():
    """C-PII: mask_name keeps the first character, one * per other character."""
    assert rules.mask_name("张三丰") == "张**"
    assert rules.mask_name("李四") == "李*"
    assert rules.mask_name("王") == "*"
    assert rules.mask_name("") == "" and rules.mask_name(None) == ""


def test_AP_S1_public_verify_form_finds_typed_number(app, client):
    """AP-S1: the form takes the number as typed (lower case, spaces) to its result page."""
    certificate, _ = certificate_for()
    form = client.get("/verify").get_data(as_text=True)
    assert 'for="number"' in form and "证书编号" in form
    typed = " ".join([certificate.number[:8].lower(), certificate.number[8:]])
    response = client.get("/verify", query_string={"number": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.number}")


def test_AP_S1_public_verify_revoked_certificate(app, client):
    """AP-S1: a revoked number shows 已撤销 with the revocation date."""
    certificate, _ = certificate_for()
    services.revoke(make_user(Role.CENTER), certificate, "考核材料造假")
    db.session.commit()
    response = client.get(f"/verify/{certificate.number}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已撤销" in page and "撤销日期" in page
    assert certificate.revoked_at is not None


def test_AP_S1_public_verify_unknown_number_is_neutral_404(app, client):
    """AP-S1: an unknown number answers 404 with one neutral page, whether it is one character
    away from a real number or nothing like one: nothing tells how close a guess was."""
    certificate, _ = certificate_for()
    last = certificate.number[-1]
    near = certificate.number[:-1] + ("2" if last != "2" else "3")
    far = "XT1999ZZZZZZZZZZ"
    bodies = []
    for number in (near, far, "junk!!", "x" * 30):
        response = client.get(f"/verify/{number}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "未查询到该证书" in body
        bodies.append(body)
    assert len(set(bodies)) == 1


def test_AP_S1_public_verify_is_rate_limited(app, client):
    """AP-S1: after 20 look-ups a minute from one address the next is refused with 429."""
    certificate, _ = certificate_for()
    for i in range(20):
        number = certificate.number if i % 2 else f"XT2026WRONG{i:05d}"
        assert client.get(f"/verify/{number}").status_code in (200, 404)
    response = client.get(f"/verify/{certificate.number}")
    assert response.status_code == 429
    assert "查询过于频繁" in response.get_data(as_text=True)
    # The form shares the same budget.
    assert client.get("/verify").status_code == 429
