"""Certificate PDFs and QR codes.

The PDF is rendered on demand with WeasyPrint through ``congdoan.common.pdf`` (Be Vietnam Pro
embedded, so every Vietnamese diacritic prints) and sealed by the issuing unit: a PAdES
signature with the unit's seal certificate, made by the documents app's signing (the same
seal as its official documents), so any edit of the file fails verification in any PDF
reader. A unit without a usable seal certificate gives an unsealed PDF; the public
verification page answers for it either way.

The QR code (segno) opens the public verification page ``/verify/certificate/<number>`` on
the installation's public address (``settings.PUBLIC_BASE_URL``), never on the host the
file was downloaded from (an officer on the intranet or a proxy's internal name).
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.common.pdf import render_pdf
from congdoan.documents import services as document_services
from congdoan.documents import signing
from congdoan.documents.choices import CertificateKind
from congdoan.documents.queries import usable_certificate

from .models import Certificate

SEAL_FIELD = "ConDauDonVi"
# Where the seal goes on the certificate's one A4 landscape page (842 × 595 pt, the size of
# ``certificate_pdf.html``), in points from the lower left corner: over the issuing unit's
# name at the bottom right, as a stamp on paper, clear of the QR code and its address.
SEAL_CENTRE = (653, 128)


def public_url(path: str) -> str:
    """``path`` on the installation's public address (``settings.PUBLIC_BASE_URL``)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def verification_url(certificate: Certificate) -> str:
    """Absolute address of the certificate's public verification page."""
    return public_url(reverse("skills:verify_certificate", kwargs={"number": certificate.number}))


def qr_svg_data_uri(data: str, scale: int = 4) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=scale, border=2)


def qr_svg(data: str, scale: int = 6) -> str:
    """An inline ``<svg>`` for pages (no XML declaration)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return buffer.getvalue().decode()


def seal(certificate: Certificate, pdf: bytes) -> bytes:
    """``pdf`` sealed by the certificate's issuing unit (unchanged when it has no usable seal)."""
    seal_certificate = usable_certificate(unit=certificate.unit, kind=CertificateKind.SEAL)
    if seal_certificate is None:
        return pdf
    writer = signing.open_pdf(pdf)
    page_ix = signing.page_count(writer) - 1
    width, height = signing.SEAL_BOX
    left, bottom = SEAL_CENTRE[0] - width // 2, SEAL_CENTRE[1] - height // 2
    # No timestamp server: the PDF is sealed anew at every download, and a round trip to a
    # server for each would make a download wait on it; the date that matters is the issue
    # date printed in the body, and whether the certificate still stands is the
    # verification page's answer.
    return signing.sign_pdf(
        writer,
        document_services.key_material(seal_certificate),
        field_name=SEAL_FIELD,
        appearance=signing.seal_appearance(
            unit=certificate.unit_name, number_symbol=certificate.number, moment=timezone.now()
        ),
        page_ix=page_ix,
        box=(left, bottom, left + width, bottom + height),
        reason=_("Certificate %(number)s") % {"number": certificate.number},
        location=certificate.unit.province_name,
        signer_name=certificate.unit_name,
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    url = verification_url(certificate)
    html = render_to_string(
        "skills/certificate_pdf.html",
        {
            "c": certificate,
            "qr": qr_svg_data_uri(url),
            "verify_url": url,
            "competences": certificate.course.competences.order_by("code"),
        },
    )
    return seal(certificate, render_pdf(html))


def pdf_response(certificate: Certificate) -> HttpResponse:
    """The certificate as an inline PDF download, for the page and the API alike."""
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response
