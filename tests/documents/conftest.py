"""Fixtures of the documents tests: media in a temporary folder, the internal CA, certificates."""

from __future__ import annotations

from functools import lru_cache

import pytest

from congdoan.documents import services
from congdoan.documents.choices import CertificateKind
from congdoan.documents.models import DocumentType


@lru_cache(maxsize=4)
def sample_pdf(
    pages: int = 1, title: str = "Quyết định về việc khen thưởng đoàn viên tiêu biểu"
) -> bytes:
    from congdoan.common.pdf import render_pdf

    body = "".join(
        f"<section style='page-break-after: always'><h1>{title}</h1><p>Trang {i + 1}: Nội dung có đủ dấu "
        "tiếng Việt – ắ ằ ẳ ẵ ặ ướ ượ Đ đ.</p></section>"
        for i in range(pages)
    )
    return render_pdf(f"<html><body>{body}</body></html>")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def doc_type(db):
    return DocumentType.objects.get(code="quyet-dinh")


@pytest.fixture
def letter_type(db):
    return DocumentType.objects.get(code="cong-van")


@pytest.fixture
def pki_ready(tree, admin_user, zone_admin):
    """Internal CA, seals of PROV and ZONE, personal certificates of their heads."""
    services.init_ca("Liên đoàn Lao động tỉnh Quảng Ninh")
    superuser = type(
        "System",
        (),
        {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None},
    )()
    certs = {
        "prov_seal": services.issue_internal_certificate(
            superuser, unit=tree.prov, kind=CertificateKind.SEAL
        ),
        "zone_seal": services.issue_internal_certificate(
            superuser, unit=tree.zone, kind=CertificateKind.SEAL
        ),
        "admin": services.issue_internal_certificate(
            superuser, unit=tree.prov, kind=CertificateKind.PERSONAL, user=admin_user
        ),
        "zone_admin": services.issue_internal_certificate(
            superuser, unit=tree.zone, kind=CertificateKind.PERSONAL, user=zone_admin
        ),
    }
    return certs


def draft(actor, unit, doc_type, **extra):
    data = services.DraftData(
        unit=unit,
        doc_type=doc_type,
        summary=extra.pop("summary", "Về việc khen thưởng đoàn viên xuất sắc"),
        file=extra.pop("file", ("qd.pdf", sample_pdf())),
        **extra,
    )
    return services.create_document(actor, data)
