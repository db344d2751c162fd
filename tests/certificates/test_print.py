"""AP-S1: the printable page, its QR code to the public page, the PDF in Chinese, and who
sees which certificate (C-DIST)."""

import io

from pypdf import PdfReader

from portal.certificates.printing import qr_svg
from portal.extensions import db
from portal.models import Apprentice, Programme, Role, User
from tests.certificates.helpers import certificate_for, enterprise_user, institution_user
from tests.factories import make_user
from tests.money_factories import approved_programme
from tests.programme_factories import approved_enterprise_user


def test_AP_S1_printable_page_shows_certificate_and_qr_to_verify_url(app, client, login):
    """AP-S1: the page shows kind, holder, title, issuer, date, number and a QR code whose
    content is the absolute public URL /verify/<number>."""
    certificate, _ = certificate_for(name="李小龙")
    login(make_user(Role.CENTER))
    response = client.get(f"/center/certificates/{certificate.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (certificate.kind.label, "李小龙", certificate.title, certificate.issuer_name,
                 "2026年11月30日", certificate.number):
        assert text in page
    url = f"http://localhost/verify/{certificate.number}"
    assert url in page
    assert str(qr_svg(url)) in page  # the SVG encodes exactly that URL
    assert "<script" not in page.split('class="certificate-sheet"')[1].split("</article>")[0]
    # The QR target answers without login.
    client.post("/logout")
    assert client.get(f"/verify/{certificate.number}").status_code == 200


def test_AP_S1_pdf_contains_chinese_text(app, client, login):
    """AP-S1: the PDF (WeasyPrint, Noto Sans CJK) carries the Chinese holder name, kind label
    and number as text, with the CJK font embedded."""
    certificate, enrolment = certificate_for(name="王小明")
    owner = enterprise_user(db.session.get(Programme, enrolment.programme_id))
    login(owner)
    response = client.get(f"/enterprise/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "王小明" in text
    assert certificate.kind.label in text
    assert certificate.number in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts


def test_AP_S1_scope_other_enterprise_gets_404(app, client, login):
    """AP-S1, C-DIST: another enterprise's certificate looks missing, page and PDF."""
    certificate, _ = certificate_for()
    login(approved_enterprise_user())
    assert client.get(f"/enterprise/certificates/{certificate.id}").status_code == 404
    assert client.get(f"/enterprise/certificates/{certificate.id}.pdf").status_code == 404
    assert certificate.number not in client.get("/enterprise/certificates").get_data(as_text=True)


def test_AP_S1_scope_by_role(app, client, login):
    """AP-S1, C-DIST: the institution that trained, the district of the programme and the
    holder see it; another district and another trainee do not."""
    programme = approved_programme()
    certificate, enrolment = certificate_for(programme)
    holder = db.session.get(Apprentice, enrolment.apprentice_id)
    trainee = db.session.get(User, holder.user_id)
    cases = [
        (institution_user(programme), "/institution", 200),
        (make_user(Role.DISTRICT, district=programme.district_code), "/district", 200),
        (make_user(Role.DISTRICT, district="110108"), "/district", 404),
        (trainee, "/m", 200),
        (make_user(Role.TRAINEE), "/m", 404),
    ]
    for user, prefix, status in cases:
        client.post("/logout")
        login(user)
        assert client.get(f"{prefix}/certificates/{certificate.id}").status_code == status, (
            user.role, prefix)


def test_AP_S1_centre_list_searches_and_masks_ids(app, client, login):
    """AP-S1, C-PII: the centre finds a certificate by number or holder name; ID numbers masked."""
    first, enrolment = certificate_for(name="赵一")
    second, _ = certificate_for(name="钱二")
    person = db.session.get(Apprentice, enrolment.apprentice_id)
    login(make_user(Role.CENTER))
    page = client.get("/center/certificates").get_data(as_text=True)
    assert first.number in page and second.number in page
    assert person.resident_id not in page
    assert person.resident_id[:6] in page and person.resident_id[-4:] in page
    by_name = client.get("/center/certificates", query_string={"q": "钱二"}).get_data(as_text=True)
    assert second.number in by_name and first.number not in by_name
    typed = first.number.lower()
    by_number = client.get("/center/certificates",
                           query_string={"q": typed}).get_data(as_text=True)
    assert first.number in by_number and second.number not in by_number
    fragment = client.hx_get("/center/certificates", query_string={"q": "赵一"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_AP_S1_certificate_list_constant_queries(app, client, login, count_queries):
    """AP-S1: the list costs the same number of queries for 2 and for 12 certificates."""
    programme = approved_programme(planned_count=40)
    login(make_user(Role.CENTER))

    def cost() -> int:
        with count_queries() as statements:
            assert client.get("/center/certificates").status_code == 200
        return len(statements)

    for _ in range(2):
        certificate_for(programme)
    small = cost()
    for _ in range(10):
        certificate_for(programme)
    assert cost() == small


def test_AP_S1_trainee_finds_own_certificate_from_home(app, client, login):
    """AP-S1: the trainee's home links their certificates; the list shows their own only."""
    certificate, enrolment = certificate_for(name="孙悟空")
    other, _ = certificate_for()
    trainee = db.session.get(User, db.session.get(Apprentice, enrolment.apprentice_id).user_id)
    login(trainee)
    assert "/m/certificates" in client.get("/m/").get_data(as_text=True)
    page = client.get("/m/certificates").get_data(as_text=True)
    assert certificate.number in page and other.number not in page
    assert client.get(f"/m/certificates/{certificate.id}.pdf").status_code == 200
