"""Shapes shared by every API list: ``{"items": [...], "count": N}``."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.pagination import PaginationBase


class Page(PaginationBase):
    """Limit/offset pagination answering ``{"items": [...], "count": N}``."""

    class Input(Schema):
        limit: int = 50
        offset: int = 0

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        limit = max(1, min(pagination.limit, 500))
        offset = max(0, pagination.offset)
        return {"items": list(queryset[offset: offset + limit]), "count": queryset.count()}


class ErrorOut(Schema):
    detail: Any
