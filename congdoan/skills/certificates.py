"""Certificate PDFs and QR codes.

The PDF is rendered on demand with WeasyPrint through ``congdoan.common.pdf`` (Be Vietnam Pro
embedded, so every Vietnamese diacritic prints); the QR code (segno) opens the public
verification page ``/verify/certificate/<number>``.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from congdoan.common.pdf import render_pdf

from .models import Certificate


def verification_url(certificate: Certificate, request=None) -> str:
    """Absolute address of the public page (from the request, else the ``SITE_URL`` setting)."""
    path = reverse("skills:verify_certificate", kwargs={"number": certificate.number})
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def qr_svg_data_uri(data: str, scale: int = 4) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=scale, border=2)


def qr_svg(data: str, scale: int = 6) -> str:
    """An inline ``<svg>`` for pages (no XML declaration)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return buffer.getvalue().decode()


def certificate_pdf(certificate: Certificate, request=None) -> bytes:
    url = verification_url(certificate, request)
    html = render_to_string(
        "skills/certificate_pdf.html",
        {
            "c": certificate,
            "qr": qr_svg_data_uri(url),
            "verify_url": url,
            "competences": certificate.course.competences.order_by("code"),
        },
    )
    return render_pdf(html)


def pdf_response(certificate: Certificate, request=None) -> HttpResponse:
    """The certificate as an inline PDF download, for the page and the API alike."""
    response = HttpResponse(certificate_pdf(certificate, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response
