"""The certificate as printed: its verification URL, QR code and PDF (AP-S1).

The printable page and the PDF share one sheet template and one stylesheet; the QR code is
inline SVG (no external resource), pointing at the public verification page.
"""

from pathlib import Path

import segno
from flask import render_template, url_for
from markupsafe import Markup

from portal.models import Certificate

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "certificate.css"
PDF_TEMPLATE = "certificate/pdf.html"


def verify_url(certificate: Certificate) -> str:
    """The absolute public URL a QR code scanned from paper opens (no login)."""
    return url_for("public.verify_number", number=certificate.number, _external=True)


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG markup."""
    return Markup(segno.make(url, error="m").svg_inline(scale=3, title="证书查验二维码"))


def sheet_context(certificate: Certificate) -> dict:
    url = verify_url(certificate)
    return {"certificate": certificate, "verify_url": url, "qr": qr_svg(url)}


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF, laid out by WeasyPrint with Noto Sans CJK SC (fonts-noto-cjk)."""
    from weasyprint import CSS, HTML  # heavy: loaded on the first PDF only

    html = render_template(PDF_TEMPLATE, **sheet_context(certificate))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def pdf_filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.number}.pdf"
