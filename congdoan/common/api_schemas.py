"""Shapes shared by the API: lists (``{"items": [...], "count": N}``), errors, optional fields."""

from __future__ import annotations

from typing import Any

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

    def paginate_queryset(self, queryset, pagination: Input, **params):
        limit = max(1, min(pagination.limit, 500))
        offset = max(0, pagination.offset)
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


class ErrorOut(Schema):
    detail: Any


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**constraints: Any) -> Any:
    """A field a partial update (PATCH) may leave out but never sets to null.

    Its columns are NOT NULL: a null passed on would be an IntegrityError (a 500), so it is a
    422 here. The schema shows no ``default: null``, which the type itself does not allow.
    """
    return Field(None, json_schema_extra=_no_default, **constraints)
