"""Shapes shared by every API list: ``{"items": [...], "count": N}``."""

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
