"""Admin of the paperless office: document types (editable data), read-mostly views of
documents, registers, certificates and trust anchors."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CertificateAuthority,
    Document,
    DocumentType,
    IncomingEntry,
    Register,
    SigningCertificate,
    TrustAnchor,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "code", "is_copy", "order", "is_active")
    list_editable = ("abbreviation", "order", "is_active")


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ("number_symbol", "summary", "unit", "doc_type", "status", "issue_date")
    list_filter = ("status", "doc_type", "urgency", "confidentiality")
    search_fields = ("number_symbol", "summary", "code")
    raw_id_fields = ("unit", "register", "signer")
    readonly_fields = (
        "code",
        "content",
        "original",
        "number",
        "number_symbol",
        "register",
        "status",
    )


@admin.register(IncomingEntry)
class IncomingEntryAdmin(SimpleHistoryAdmin):
    list_display = ("number", "unit", "number_symbol", "summary", "channel", "status", "deadline")
    list_filter = ("channel", "status")
    raw_id_fields = ("unit", "register", "document", "handler")
    readonly_fields = ("number", "register")


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ("unit", "direction", "year", "doc_type", "confidential", "next_number")
    readonly_fields = ("next_number",)
    raw_id_fields = ("unit",)


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "source", "unit", "user", "not_after", "revoked_at")
    exclude = ("encrypted_key", "certificate_der")
    readonly_fields = (
        "fingerprint",
        "serial",
        "subject",
        "issuer",
        "not_before",
        "not_after",
        "chain_der",
    )


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "not_after")
    exclude = ("encrypted_key", "certificate_der")


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    list_display = ("name", "is_internal", "fingerprint", "added_at")
    exclude = ("certificate_der",)
