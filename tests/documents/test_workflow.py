"""The document workflow: draft → review → approval → signature → issue → delivery → handled."""

import pytest
from django.core.exceptions import ValidationError

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.documents import services
from congdoan.documents.choices import Channel, DocumentStatus, EventAction, IncomingStatus
from congdoan.documents.models import IncomingEntry
from congdoan.documents.verification import verify_pdf
from congdoan.org.choices import Role
from tests.conftest import PASSWORD, make_user

from .conftest import draft, sample_pdf


def test_full_flow_numbers_seals_and_delivers(
    tree, zone_admin, officer_a, grassroots_a, doc_type, pki_ready
):
    reviewer = make_user("reviewer_z", tree.zone, Role.OFFICER)
    doc = draft(officer_a, tree.zone, doc_type, recipient_units=(tree.gr_a1, tree.prov))
    assert doc.status == DocumentStatus.DRAFT
    with pytest.raises(ValidationError):
        services.submit_for_review(
            officer_a, doc, reviewers=[grassroots_a]
        )  # cannot see ZONE's drafts
    services.submit_for_review(officer_a, doc, reviewers=[reviewer])
    with pytest.raises(ValidationError):
        services.approve_document(zone_admin, doc)  # reviewer has not answered
    services.review_document(reviewer, doc, agree=False, comment="Sửa trích yếu")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RETURNED
    services.revise_document(
        officer_a, doc, summary="Về việc khen thưởng đoàn viên tiêu biểu năm 2026"
    )
    services.submit_for_review(officer_a, doc, reviewers=[reviewer])
    services.review_document(reviewer, doc, agree=True)
    services.approve_document(zone_admin, doc)
    services.sign_document(zone_admin, doc, password=PASSWORD)
    doc = services.issue_document(officer_a, doc, password=PASSWORD)
    assert doc.status == DocumentStatus.ISSUED
    assert doc.number == 1
    assert doc.number_symbol == "01/QĐ-ZONE"  # ZONE has no abbreviation: its code stands in
    report = verify_pdf(doc.content.read())
    assert [s.field_name for s in report.signatures] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    assert report.all_ok, report
    entries = IncomingEntry.objects.filter(document=doc).order_by("unit__path")
    assert [e.unit.code for e in entries] == ["PROV", "GR-A1"]
    assert all(e.channel == Channel.ELECTRONIC and e.number == 1 for e in entries)
    entry = entries.get(unit=tree.gr_a1)
    services.assign_incoming(
        grassroots_a, entry, handler=grassroots_a, deadline=services.default_deadline()
    )
    services.mark_handled(grassroots_a, entry, note="Đã phổ biến")
    entry.refresh_from_db()
    assert entry.status == IncomingStatus.HANDLED
    actions = list(doc.events.values_list("action", flat=True))
    assert actions[:2] == [EventAction.CREATED, EventAction.SUBMITTED]
    assert actions[-3:] == [EventAction.SIGNED, EventAction.ISSUED, EventAction.DELIVERED]
    assert doc.history.count() >= 5


def test_head_signs_a_draft_directly(tree, admin_user, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type)
    services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED
    assert doc.approved_by == admin_user
    doc = services.issue_document(admin_user, doc, password=PASSWORD)
    assert doc.number_symbol == "01/QĐ-LĐLĐ"


def test_officer_cannot_sign_unapproved_and_wrong_password_rejected(
    tree, officer_a, zone_admin, doc_type, pki_ready
):
    doc = draft(officer_a, tree.zone, doc_type, signer=officer_a)
    with pytest.raises(ValidationError):
        services.sign_document(
            officer_a, doc, password=PASSWORD
        )  # not approved, and no certificate
    doc2 = draft(officer_a, tree.zone, doc_type)
    with pytest.raises(ValidationError) as exc:
        services.sign_document(zone_admin, doc2, password="wrong")
    assert "password" in exc.value.message_dict
    doc2.refresh_from_db()
    assert doc2.status == DocumentStatus.DRAFT  # nothing half-written


def test_revoked_or_expired_certificate_cannot_sign(tree, admin_user, doc_type, pki_ready):
    services.revoke_certificate(admin_user, pki_ready["admin"], "Mất thiết bị")
    doc = draft(admin_user, tree.prov, doc_type)
    with pytest.raises(ValidationError, match="chứng thư|certificate"):
        services.sign_document(admin_user, doc, password=PASSWORD)


def test_expired_certificate_cannot_sign(tree, admin_user, doc_type, pki_ready):
    from datetime import timedelta

    from django.utils import timezone

    cert = pki_ready["admin"]
    cert.not_after = timezone.now() - timedelta(days=1)
    cert.save()
    doc = draft(admin_user, tree.prov, doc_type)
    with pytest.raises(ValidationError):
        services.sign_document(admin_user, doc, password=PASSWORD)


def test_letter_symbol_and_confidential_register(
    tree, admin_user, letter_type, doc_type, pki_ready
):
    def issue(**extra):
        d = draft(admin_user, tree.prov, extra.pop("type", letter_type), **extra)
        services.sign_document(admin_user, d, password=PASSWORD)
        return services.issue_document(admin_user, d, password=PASSWORD)

    assert issue(department="TC").number_symbol == "01/LĐLĐ-TC"
    assert issue().number_symbol == "02/LĐLĐ"
    secret = issue(confidentiality="confidential")
    assert secret.number == 1 and secret.register.confidential
    assert issue(type=doc_type).number_symbol == "01/QĐ-LĐLĐ"


def test_scope_checked_by_services(tree, officer_b, officer_a, doc_type):
    doc = draft(officer_a, tree.zone, doc_type)
    with pytest.raises(OutOfScope):
        services.submit_for_review(officer_b, doc)
    with pytest.raises(OutOfScope):
        draft(officer_b, tree.zone, doc_type)
    with pytest.raises(NotAllowed):
        services.approve_document(officer_a, doc)  # an officer is not the head


def test_paper_document_registered_with_scan(tree, grassroots_a, doc_type):
    entry = services.register_paper_document(
        grassroots_a,
        tree.gr_a1,
        sender="Sở Lao động",
        doc_type=doc_type,
        summary="Về việc an toàn lao động",
        scan=("scan.pdf", sample_pdf()),
        number_symbol="15/SLĐ-VP",
    )
    assert entry.channel == Channel.PAPER and entry.number == 1
    with pytest.raises(ValidationError) as exc:
        services.register_paper_document(
            grassroots_a,
            tree.gr_a1,
            sender="X",
            doc_type=doc_type,
            summary="Y",
            scan=("scan.txt", b"hello"),
        )
    assert "scan" in exc.value.message_dict
    assert IncomingEntry.objects.count() == 1


def test_docx_without_libreoffice_asks_for_pdf(tree, officer_a, doc_type, monkeypatch):
    monkeypatch.setattr(services.files, "office_converter", lambda: None)
    with pytest.raises(ValidationError) as exc:
        draft(officer_a, tree.zone, doc_type, file=("qd.docx", b"PK\x03\x04 fake"))
    assert "file" in exc.value.message_dict
