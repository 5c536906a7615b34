"""Members over the API (``/api/v1/members``): list and search, read, admit, update with
optimistic locking (409 with the other's changes), lifecycle actions, imports, transfers.

Objects come from ``queries`` (the visible one or the common 404), writes go through
``services`` and ``importing``, as on the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from congdoan.common.api_schemas import CursorPage, Page, responses
from congdoan.common.errors import not_found
from congdoan.org.queries import visible_unit

from . import importing, queries, services
from .filters import apply_filters
from .models import Member, TransferRequest

PREFIX = "members"
router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    card_number: str
    full_name: str
    gender: str
    date_of_birth: datetime.date | None
    # True when only the year of birth is known: ``date_of_birth`` is then 1 January of it.
    birth_year_only: bool
    cccd: str  # masked: the full number only through POST /{id}/cccd (logged)
    cccd_exception: bool
    ethnicity: str
    religion: str
    education_level: str
    qualification: str
    phone: str
    email: str
    permanent_province: int | None
    permanent_commune: int | None
    permanent_street: str
    current_province: int | None
    current_commune: int | None
    current_street: str
    unit: str
    group: str | None
    job_title: str
    joined_on: datetime.date | None
    status: str
    status_since: datetime.date | None
    status_reason: str
    completeness: int
    is_complete: bool
    version: int

    @staticmethod
    def resolve_cccd(obj) -> str:
        return obj.cccd_masked

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_group(obj) -> str | None:
        return obj.group.code if obj.group_id else None


class MemberIn(Schema):
    full_name: str | None = None
    gender: str | None = None
    date_of_birth: datetime.date | None = None
    cccd: str | None = None
    cccd_exception: bool | None = None
    cccd_exception_reason: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    education_level: str | None = None
    qualification: str | None = None
    phone: str | None = None
    email: str | None = None
    permanent_province: int | None = None
    permanent_commune: int | None = None
    permanent_street: str | None = None
    current_province: int | None = None
    current_commune: int | None = None
    current_street: str | None = None
    group: str | None = None
    job_title: str | None = None
    joined_on: datetime.date | None = None
    monthly_salary: int | None = None


class AdmitIn(MemberIn):
    unit: str
    full_name: str
    card_number: str = ""


class UpdateIn(MemberIn):
    version: int


class TransferIn(Schema):
    to_unit: str
    note: str = ""


class StatusIn(Schema):
    reason: str = ""
    on: datetime.date | None = None


class DecisionIn(Schema):
    accept: bool
    note: str = ""


class MergeIn(Schema):
    keep: int
    duplicate: int
    reason: str = ""


class CccdOut(Schema):
    cccd: str


class ChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str
    by: str


class ConflictOut(Schema):
    detail: str
    version: int
    changes: list[ChangeOut]


class TransferOut(Schema):
    id: int
    member: int
    from_unit: str
    to_unit: str
    status: str
    note: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id

    @staticmethod
    def resolve_from_unit(obj) -> str:
        return obj.from_unit.code

    @staticmethod
    def resolve_to_unit(obj) -> str:
        return obj.to_unit.code


class RowErrorOut(Schema):
    row: int
    field: str | None
    message: str


class ImportOut(Schema):
    id: int
    status: str
    unit: str
    dry_run: bool
    total: int
    progress: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    header_row: int | None
    message: str
    errors: list[RowErrorOut]
    # The file's shape as the check found it: ``table_end`` / ``footer_row`` / ``footer`` when a
    # form's footer ended the table, ``unmapped`` columns with the closest field.
    report: dict

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


def _fields(request, payload: MemberIn, exclude=()) -> dict:
    data = payload.dict(exclude_unset=True, exclude=set(exclude))
    if "group" in data:
        code = data["group"]
        data["group"] = visible_unit(request.user, code) if code else None
    return {k: ("" if v is None and k not in _NULLABLE else v) for k, v in data.items()}


def _refuse_exception_without_number(fields: dict, stored_cccd: str = "") -> None:
    """An exception is about a number. With none, ``services.normalise_fields`` clears the flag
    (a missing number must not count as complete), so asking for it would be silently ignored."""
    if fields.get("cccd_exception") and not fields.get("cccd", stored_cccd):
        message = _(
            "An exception is for a number: enter the citizen identity number it applies to."
        )
        raise ValidationError({"cccd_exception": message})


_NULLABLE = {
    "date_of_birth",
    "permanent_province",
    "permanent_commune",
    "current_province",
    "current_commune",
    "group",
    "joined_on",
    "monthly_salary",
}


@router.get(
    "",
    response=responses({200: list[MemberOut]}, 400, 401, 403, 404, 422),
    description=(
        "Members in the caller's scope: search by name (accents optional), identity, card or "
        "phone number. In name order (a name search: full names starting with the words, then "
        "given names, as on the list page). ``count`` is exact up to "
        f"{queries.COUNT_CAP:,} rows (``count_exact`` true); past that, or where the database "
        f"expects {queries.ESTIMATE_ONLY_ABOVE * queries.COUNT_CAP:,} or more, it is the "
        f"database's estimate (``count_exact`` false), never below {queries.COUNT_CAP + 1:,}. "
        "Page with ``limit``/``offset``, or with the ``next`` cursor, which reads no row "
        "before the page however deep it is."
    ),
)
@paginate(CursorPage)
def list_members(
    request,
    q: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    gender: str | None = None,
    age: str | None = None,
    complete: bool | None = None,
):
    qs = Member.objects.visible_to(request.user).select_related("unit", "group")
    subtree = visible_unit(request.user, unit) if unit else None
    unsearched = apply_filters(
        qs, unit=subtree, status=status, gender=gender, age=age, complete=complete
    )
    return queries.MemberPages.of(unsearched, q)


@router.post("", response=responses({201: MemberOut}, 400, 401, 403, 404, 413, 422))
def admit(request, payload: AdmitIn):
    unit = visible_unit(request.user, payload.unit)
    fields = _fields(request, payload, exclude={"unit", "card_number"})
    _refuse_exception_without_number(fields)
    return 201, services.admit_member(request.user, unit, card_number=payload.card_number, **fields)


@router.post("/imports", response=responses({201: ImportOut}, 400, 401, 403, 404, 413, 422))
def start_import(request, unit: Form[str], file: File[UploadedFile], dry_run: Form[bool] = True):
    """Upload a spreadsheet (.xlsx, .xls, .ods, .csv); large files run in the background: poll the job."""
    target = visible_unit(request.user, unit)
    job = importing.start_job(request.user, target, file, dry_run=dry_run)
    return 201, job


@router.get("/imports/{job_id}", response=responses({200: ImportOut}, 401, 403, 404, 422))
def get_import(request, job_id: int):
    importing.recover_stale_jobs()  # a job whose worker died answers "interrupted", not "running"
    return queries.visible_import_job(request.user, job_id)


@router.get("/transfers", response=responses({200: list[TransferOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_transfers(request, status: str | None = None):
    qs = queries.visible_transfer_requests(request.user)
    return qs.filter(status=status) if status else qs


@router.post(
    "/transfers/{request_id}/decide",
    response=responses({200: TransferOut}, 400, 401, 403, 404, 413, 422),
)
def decide_transfer(request, request_id: int, payload: DecisionIn):
    transfer = queries.visible_transfer(request.user, request_id)
    return 200, services.decide_transfer(
        request.user, transfer, accept=payload.accept, note=payload.note
    )


@router.post("/merge", response=responses({200: MemberOut}, 400, 401, 403, 404, 413, 422))
def merge(request, payload: MergeIn):
    keep = queries.visible_member(request.user, payload.keep)
    duplicate = queries.visible_member(request.user, payload.duplicate)
    return 200, services.merge_duplicates(request.user, keep, duplicate, reason=payload.reason)


@router.get("/{member_id}", response=responses({200: MemberOut}, 401, 403, 404, 422))
def get_member(request, member_id: int):
    return queries.visible_member(request.user, member_id)


@router.patch(
    "/{member_id}",
    response=responses({200: MemberOut, 409: ConflictOut}, 400, 401, 403, 404, 413, 422),
)
def update(request, member_id: int, payload: UpdateIn):
    """Change details; send the ``version`` you read. 409 means someone saved in between."""
    member = queries.visible_member(request.user, member_id)
    fields = _fields(request, payload, exclude={"version"})
    _refuse_exception_without_number(fields, member.cccd)
    try:
        return 200, services.update_member(request.user, member, version=payload.version, **fields)
    except services.EditConflict as conflict:
        return 409, {
            "detail": conflict.messages[0],
            "version": conflict.member.version,
            "changes": [vars(c) for c in conflict.changes],
        }


@router.post("/{member_id}/cccd", response=responses({200: CccdOut}, 401, 403, 404, 422))
def reveal_cccd(request, member_id: int):
    """The full citizen identity number (each call is logged)."""
    member = queries.visible_member(request.user, member_id)
    return 200, {"cccd": services.reveal_cccd(request.user, member)}


@router.post(
    "/{member_id}/transfer",
    response=responses({200: MemberOut, 202: TransferOut}, 400, 401, 403, 404, 413, 422),
)
def transfer(request, member_id: int, payload: TransferIn):
    """Immediate inside the caller's scope (200); otherwise a request for the receiving unit (202)."""
    member = queries.visible_member(request.user, member_id)
    to_unit = queries.transfer_target(payload.to_unit)
    if to_unit is None:
        raise not_found()
    result = services.transfer_member(request.user, member, to_unit, note=payload.note)
    if isinstance(result, TransferRequest):
        return 202, result
    return 200, result


def _status_endpoint(action: str):
    def endpoint(request, member_id: int, payload: StatusIn):
        member = queries.visible_member(request.user, member_id)
        return 200, services.change_status(request.user, member, action, payload.reason, payload.on)

    return endpoint


# Operation ids published before the actions were one table, kept for clients' generated code.
_OPERATIONS = {"death": ("congdoan_members_api_record_death", "Record Death")}

for _name in services.STATUS_ACTIONS:
    _operation_id, _summary = _OPERATIONS.get(
        _name, (f"members_{_name.replace('-', '_')}", "Endpoint")
    )
    router.post(
        f"/{{member_id}}/{_name}",
        response=responses({200: MemberOut}, 400, 401, 403, 404, 413, 422),
        operation_id=_operation_id,
        summary=_summary,
    )(_status_endpoint(_name))
