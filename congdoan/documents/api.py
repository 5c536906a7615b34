"""Documents over the API: create (multipart), list, read, workflow actions, sign, file, verify."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from congdoan.common import uploads
from congdoan.common.api_schemas import PDF_FILE, Page, responses
from congdoan.org.models import Unit
from congdoan.org.queries import visible_unit

from . import queries, services
from .models import Document, DocumentType
from .verification import PdfReport, verify_by_code, verify_pdf

PREFIX = "documents"
router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    code: str
    unit: str
    unit_name: str
    doc_type: str
    doc_type_name: str
    number: int | None
    number_symbol: str
    issue_date: date | None
    place: str
    summary: str
    status: str
    status_label: str = Field(alias="get_status_display")
    urgency: str
    confidentiality: str
    signer: str | None
    signing_unit: str | None
    signer_prefix: str
    signer_position: str
    recipients: list[str]
    created_at: datetime
    issued_at: datetime | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_doc_type(obj) -> str:
        return obj.doc_type.code

    @staticmethod
    def resolve_doc_type_name(obj) -> str:
        return obj.doc_type.name

    @staticmethod
    def resolve_signer(obj) -> str | None:
        return obj.signer.username if obj.signer_id else None

    @staticmethod
    def resolve_signing_unit(obj) -> str | None:
        return obj.signing_unit.code if obj.signing_unit_id else None

    @staticmethod
    def resolve_recipients(obj) -> list[str]:
        return [r.unit.code if r.unit_id else r.user.username for r in obj.recipients.all()]


class DocumentCreateIn(Schema):
    unit: str
    doc_type: str
    summary: str
    urgency: str = "normal"
    confidentiality: str = "normal"
    place: str = ""
    department: str = ""
    signer: str = ""
    signing_unit: str = Field("", description="code of an upper unit that signs and issues")
    signer_prefix: str = ""
    signer_position: str = ""
    recipient_units: str = Field("", description="comma-separated unit codes")
    recipients_text: str = ""


class ReviewersIn(Schema):
    reviewers: list[str] = []


class ReviewIn(Schema):
    agree: bool
    comment: str = ""


class ConfirmIn(Schema):
    password: str | None = None
    otp: str | None = None


class SignIn(ConfirmIn):
    page: int | None = None
    position: str = "bottom-right"


class IncomingOut(Schema):
    id: int
    unit: str
    number: int
    channel: str
    document_id: int | None
    sender: str
    number_symbol: str
    summary: str
    status: str
    handler: str | None
    deadline: date | None
    received_at: datetime

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_handler(obj) -> str | None:
        return obj.handler.username if obj.handler_id else None


class AssignIn(Schema):
    handler: str
    deadline: date | None = None
    note: str = ""


class HandleIn(Schema):
    note: str = ""


class EventOut(Schema):
    action: str
    actor: str | None
    at: datetime
    note: str


class HistoryOut(Schema):
    items: list[EventOut]


class CertificateInfoOut(Schema):
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    name: str
    organisation: str


class SignatureReportOut(Schema):
    field_name: str
    signer: str
    signer_subject: str
    signing_time: datetime | None
    chain: list[CertificateInfoOut]
    intact: bool
    valid: bool
    trusted: bool
    trust_anchor: str
    modified_after_signing: bool
    covers_whole_file: bool
    later_revisions: bool
    timestamped: bool
    revoked: bool
    revocation_note: str
    ok: bool
    problems: list[str]


class VerifiedDocumentOut(Schema):
    number_symbol: str
    unit: str
    issue_date: date | None


class VerifyOut(Schema):
    """``verification.PdfReport``, and the issued document when asked by its code."""

    signatures: list[SignatureReportOut]
    error: str
    all_ok: bool
    verdict: str = Field(description="valid, changed, not_trusted or not_verifiable")
    verdict_label: str
    document: VerifiedDocumentOut | None = None


def _document(request, pk: int) -> Document:
    return queries.visible_document(request.user, pk)


def _with_recipients(qs):
    return qs.prefetch_related("recipients__unit", "recipients__user")


def _user(username: str, field: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({field: _("No user %(name)s.") % {"name": username}})
    return user


def _upper_unit(code: str) -> Unit | None:
    """The unit a paper is sent to for signature; the service checks it is an upper one."""
    if not code.strip():
        return None
    unit = Unit.objects.filter(code=code.strip().upper()).first()
    if unit is None:
        raise ValidationError(
            {"signing_unit": _("A document can be sent for signature only to an upper unit.")}
        )
    return unit


@router.get("", response=responses({200: list[DocumentOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_documents(
    request,
    q: str = "",
    type: str = "",
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    unit: str = "",
):
    """Documents in the caller's scope (issued by their units or delivered to them)."""
    return _with_recipients(
        queries.filter_documents(
            request.user,
            q=q,
            doc_type=type,
            status=status,
            date_from=date_from,
            date_to=date_to,
            unit=unit,
        )
    )


@router.post("", response=responses({201: DocumentOut}, 400, 401, 403, 404, 413, 422))
def create_document(
    request,
    payload: Form[DocumentCreateIn],
    file: File[UploadedFile],
    attachments: File[list[UploadedFile]] = None,
):
    """Create a draft from a multipart form: ``file`` (PDF, or DOCX/ODT when LibreOffice is installed)."""
    unit = visible_unit(request.user, payload.unit)
    doc_type = DocumentType.objects.filter(code=payload.doc_type, is_active=True).first()
    if doc_type is None:
        raise ValidationError({"doc_type": _("Unknown document type.")})
    codes = [c.strip() for c in payload.recipient_units.split(",") if c.strip()]
    recipients = list(Unit.objects.filter(code__in=codes))
    if len(recipients) != len(set(codes)):
        raise ValidationError(
            {"recipient_units": _("A recipient unit is not one you can send to.")}
        )
    data = services.DraftData(
        unit=unit,
        doc_type=doc_type,
        summary=payload.summary,
        file=file,
        urgency=payload.urgency,
        confidentiality=payload.confidentiality,
        place=payload.place,
        department=payload.department,
        signer=_user(payload.signer, "signer") if payload.signer else None,
        signing_unit=_upper_unit(payload.signing_unit),
        signer_prefix=payload.signer_prefix,
        signer_position=payload.signer_position,
        recipient_units=tuple(recipients),
        recipients_text=payload.recipients_text,
        attachments=tuple(attachments or ()),
    )
    return 201, services.create_document(request.user, data)


@router.post("/verify", auth=None, response=responses({200: VerifyOut}, 400, 413, 422))
def verify(request, file: File[UploadedFile] = None, code: Form[str] = ""):
    """Public: the signature report of an uploaded PDF or of an issued document's code."""
    if file is not None:
        with uploads.refused_as("file"):
            uploads.check_size(file)
        return verify_pdf(file.read()).as_dict()
    if code.strip():
        document, report = verify_by_code(code)
        if document is None:
            return PdfReport([], error=_("No issued document has this code.")).as_dict()
        data = report.as_dict()
        data["document"] = {
            "number_symbol": document.number_symbol,
            "unit": document.unit.name,
            "issue_date": document.issue_date,
        }
        return data
    raise ValidationError({"file": _("Upload a PDF file or enter the document code.")})


@router.get("/incoming", response=responses({200: list[IncomingOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_incoming(request, q: str = "", status: str = "", channel: str = "", overdue: bool = False):
    return queries.filter_incoming(
        request.user, q=q, status=status, channel=channel, overdue=overdue
    )


@router.post(
    "/incoming/{pk}/assign",
    response=responses({200: IncomingOut}, 400, 401, 403, 404, 413, 422),
)
def assign_incoming(request, pk: int, payload: AssignIn):
    entry = queries.visible_incoming(request.user, pk)
    return 200, services.assign_incoming(
        request.user,
        entry,
        handler=_user(payload.handler, "handler"),
        deadline=payload.deadline,
        note=payload.note,
    )


@router.post(
    "/incoming/{pk}/handle",
    response=responses({200: IncomingOut}, 400, 401, 403, 404, 413, 422),
)
def handle_incoming(request, pk: int, payload: HandleIn):
    entry = queries.visible_incoming(request.user, pk)
    return 200, services.mark_handled(request.user, entry, payload.note)


@router.get("/{pk}", response=responses({200: DocumentOut}, 401, 403, 404, 422))
def get_document(request, pk: int):
    return _document(request, pk)


@router.get(
    "/{pk}/file", response=responses({200: None}, 401, 403, 404, 422), openapi_extra=PDF_FILE
)
def get_file(request, pk: int):
    """The current PDF: signed and sealed once issued."""
    document = _document(request, pk)
    return FileResponse(
        document.content.open("rb"), content_type="application/pdf", filename=document.file_name
    )


@router.post("/{pk}/submit", response=responses({200: DocumentOut}, 400, 401, 403, 404, 413, 422))
def submit(request, pk: int, payload: ReviewersIn):
    document = _document(request, pk)
    reviewers = [_user(name, "reviewers") for name in payload.reviewers]
    return 200, services.submit_for_review(request.user, document, reviewers)


@router.post("/{pk}/review", response=responses({200: DocumentOut}, 400, 401, 403, 404, 413, 422))
def review(request, pk: int, payload: ReviewIn):
    return 200, services.review_document(
        request.user, _document(request, pk), agree=payload.agree, comment=payload.comment
    )


@router.post("/{pk}/approve", response=responses({200: DocumentOut}, 401, 403, 404, 422))
def approve(request, pk: int):
    return 200, services.approve_document(request.user, _document(request, pk))


@router.post("/{pk}/sign", response=responses({200: DocumentOut}, 400, 401, 403, 404, 413, 422))
def sign(request, pk: int, payload: SignIn):
    """Sign with the caller's certificate; confirm with ``password`` or ``otp``."""
    return 200, services.sign_document(
        request.user,
        _document(request, pk),
        password=payload.password,
        otp=payload.otp,
        page=payload.page,
        position=payload.position,
    )


@router.post("/{pk}/issue", response=responses({200: DocumentOut}, 400, 401, 403, 404, 413, 422))
def issue(request, pk: int, payload: ConfirmIn):
    """Number the document, apply the unit's seal and deliver it; confirm with ``password`` or ``otp``."""
    return 200, services.issue_document(
        request.user, _document(request, pk), password=payload.password, otp=payload.otp
    )


@router.get("/{pk}/history", response=responses({200: HistoryOut}, 401, 403, 404, 422))
def history(request, pk: int):
    document = _document(request, pk)
    return {
        "items": [
            {
                "action": e.action,
                "actor": e.actor.username if e.actor else None,
                "at": e.at,
                "note": e.note,
            }
            for e in document.events.select_related("actor")
        ]
    }
