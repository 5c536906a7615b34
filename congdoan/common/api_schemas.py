"""Shapes shared by the API: lists (``{"items": [...], "count": N}``), errors, optional fields."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import PaginationBase
from pydantic import Field


class Page(PaginationBase):
    """Limit/offset pagination answering ``{"items": [...], "count": N}``."""

    class Input(Schema):
        # Bounded so that no offset overflows the database's 64-bit integers.
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**12)

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, **params: Any
    ) -> dict[str, Any]:
        limit = max(1, min(pagination.limit, 500))
        offset = max(0, pagination.offset)
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


class Pages(Protocol):
    """Rows that a list answers page by page without sorting or counting all of them (the
    member lists' ``members.queries.MemberPages``). A position is a short JSON list."""

    def count(self) -> tuple[int, bool]:
        """``(n, exact)``: exact up to a cap, then an estimate (``common.db.count_rows``)."""

    def page(self, start: int, limit: int) -> tuple[list, list | tuple | None]:
        """``limit`` rows from ``start``, and the position after them (None after the last)."""

    def page_after(self, position: Any, limit: int) -> tuple[list, list | tuple | None]:
        """``limit`` rows after ``position`` and the position after them; ValueError for a
        position these rows never gave."""


def encode_cursor(position: list | tuple) -> str:
    """The opaque ``cursor`` a client sends back for the page after ``position``."""
    raw = json.dumps(list(position), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The position inside ``cursor``; ValidationError (422) when it is not one."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise _bad_cursor() from None
    if not isinstance(position, list):
        raise _bad_cursor()
    return position


def _bad_cursor() -> ValidationError:
    return ValidationError(
        {"cursor": _("This cursor is not one this list gave: start again without it.")}
    )


CAPPED_COUNT = (
    "The rows of the list: exact when count_exact is true; otherwise more than the list counts "
    "exactly (its cap) and this is the database's estimate, never below the cap + 1."
)


class CursorPage(PaginationBase):
    """Limit/offset or cursor pagination of ``Pages`` answering ``{"items": [...], "count": N,
    "count_exact": bool, "next": cursor}``: a count that stops at a cap (then estimated) and a
    ``next`` cursor with which a deep page reads no row before it (a keyset, where ``offset``
    reads and skips ``offset`` rows)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(
            0, ge=0, le=10**12, description="Rows to skip; 0 with a cursor (it says where)."
        )
        cursor: str | None = Field(
            None,
            max_length=2000,
            description="The next page after the one that answered this ``next`` cursor.",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=CAPPED_COUNT)
        count_exact: bool = Field(
            description="True when count is exact; false when it is an estimate (a large list)."
        )
        next: str | None = Field(
            description="Pass as cursor for the page after this one; null after the last row."
        )

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Pages, pagination: Input, **params: Any
    ) -> dict[str, Any]:
        limit = max(1, min(pagination.limit, 500))
        if pagination.cursor is None:
            items, after = queryset.page(max(0, pagination.offset), limit)
        elif pagination.offset:
            raise ValidationError(
                {"offset": _("A cursor says where the page starts: leave offset out.")}
            )
        else:
            try:
                items, after = queryset.page_after(decode_cursor(pagination.cursor), limit)
            except ValueError:
                raise _bad_cursor() from None
        count, exact = queryset.count()
        return {
            "items": items,
            "count": count,
            "count_exact": exact,
            "next": encode_cursor(after) if after is not None else None,
        }


class ErrorOut(Schema):
    """Every error answer. ``detail`` is a message, or for a 422 the list of problems: each
    names its field (``field``, or ninja's ``loc``) and says what is wrong (``message``/``msg``)."""

    detail: str | list[dict[str, Any]]


def responses(shapes: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's ``response=``: ``shapes`` (its results, and any error with a shape of its
    own such as 409's ``ConflictOut``), then each status of ``errors`` answered as ``ErrorOut``.

    The statuses an operation's shape implies: 401 and 403 behind authentication (no valid
    credentials; a token the two-factor policy refuses, a session without its CSRF token),
    422 with any input, 400 with a query string or a body (one Django cannot read), 413 with
    a body. tests/api/test_openapi_responses.py checks these; schemathesis checks the rest.
    """
    return {**shapes, **{code: ErrorOut for code in sorted(errors) if code not in shapes}}


# ``openapi_extra`` of an operation answering a PDF file (ninja documents no body for it).
PDF_FILE = {
    "responses": {
        200: {
            "description": "The PDF file",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**constraints: Any) -> Any:
    """A field a partial update (PATCH) may leave out but never sets to null.

    Its columns are NOT NULL: a null passed on would be an IntegrityError (a 500), so it is a
    422 here. The schema shows no ``default: null``, which the type itself does not allow.
    """
    return Field(None, json_schema_extra=_no_default, **constraints)
