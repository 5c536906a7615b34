"""Shapes shared by the API: lists (``{"items": [...], "count": N}``), errors, optional fields."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
