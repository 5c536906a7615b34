"""Units over the API: list, read, and the tree services as POST actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import Field as PydanticField

from congdoan.common.api_schemas import Page, omittable, responses

from . import services
from .choices import UnitKind
from .models import Unit, UnitQuerySet
from .paths import parent_path
from .queries import visible_unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    abbreviation: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    depth: int
    parent: str | None
    children_count: int = Field(alias="numchild")
    province_code: int | None
    commune_code: int | None
    employer_name: str
    employer_tax_code: str
    ownership: str
    worker_count: int | None
    merged_into: str | None
    created_at: datetime

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        if obj.depth <= 1:
            return None
        return (
            Unit.objects.filter(path=parent_path(obj.path)).values_list("code", flat=True).first()
        )

    @staticmethod
    def resolve_merged_into(obj: Unit) -> str | None:
        return obj.merged_into.code if obj.merged_into_id else None


DivisionCode = Annotated[int, PydanticField(ge=1, le=99_999)]
Workers = Annotated[int, PydanticField(ge=0, le=10_000_000)]


class UnitCreateIn(Schema):
    parent: str
    code: str = PydanticField(max_length=32)
    name: str = PydanticField(max_length=255)
    kind: UnitKind
    abbreviation: str = PydanticField("", max_length=32)
    province_code: DivisionCode | None = None
    commune_code: DivisionCode | None = None
    address: str = PydanticField("", max_length=255)
    employer_name: str = PydanticField("", max_length=255)
    employer_tax_code: str = PydanticField("", max_length=14)
    ownership: str = ""
    worker_count: Workers | None = None


class UnitUpdateIn(Schema):
    """Only the fields sent change; null clears a number or a division, never a text."""

    name: str = omittable(max_length=255)
    abbreviation: str = omittable(max_length=32)
    province_code: DivisionCode | None = None
    commune_code: DivisionCode | None = None
    address: str = omittable(max_length=255)
    employer_name: str = omittable(max_length=255)
    employer_tax_code: str = omittable(max_length=14)
    ownership: str = omittable()
    worker_count: Workers | None = None


class TargetIn(Schema):
    target: str
    reason: str = ""


class ReasonIn(Schema):
    reason: str


@router.get("", response=responses({200: list[UnitOut]}, 400, 401, 403, 404, 422))
@paginate(Page)
def list_units(
    request: HttpRequest,
    parent: str | None = None,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> UnitQuerySet:
    """Units in the caller's scope: children of ``parent``, or a search by name (accents optional)."""
    qs = Unit.objects.visible_to(request.user).select_related("merged_into")
    if parent:
        p = visible_unit(request.user, parent)
        qs = qs.subtree_of(p).filter(depth=p.depth + 1)
    if q:
        qs = qs.search(q)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("path")


@router.get("/{code}", response=responses({200: UnitOut}, 401, 403, 404, 422))
def get_unit(request: HttpRequest, code: str) -> Unit:
    return visible_unit(request.user, code)


@router.post("", response=responses({201: UnitOut}, 400, 401, 403, 404, 413, 422))
def create_unit(request: HttpRequest, payload: UnitCreateIn) -> tuple[int, Unit]:
    data = payload.dict()
    parent = visible_unit(request.user, data.pop("parent"))
    unit = services.create_unit(
        request.user, parent=parent, code=data.pop("code"), kind=data.pop("kind"), **data
    )
    return 201, unit


@router.patch("/{code}", response=responses({200: UnitOut}, 400, 401, 403, 404, 413, 422))
def update_unit(request: HttpRequest, code: str, payload: UnitUpdateIn) -> tuple[int, Unit]:
    unit = visible_unit(request.user, code)
    changes = payload.dict(exclude_unset=True)
    return 200, services.update_unit(request.user, unit, **changes)


@router.post("/{code}/move", response=responses({200: UnitOut}, 400, 401, 403, 404, 413, 422))
def move_unit(request: HttpRequest, code: str, payload: TargetIn) -> tuple[int, Unit]:
    unit, target = visible_unit(request.user, code), visible_unit(request.user, payload.target)
    return 200, services.move_unit(request.user, unit, target)


@router.post("/{code}/merge", response=responses({200: UnitOut}, 400, 401, 403, 404, 413, 422))
def merge_unit(request: HttpRequest, code: str, payload: TargetIn) -> tuple[int, Unit]:
    """Merge the unit into ``target``; answers the target."""
    unit, target = visible_unit(request.user, code), visible_unit(request.user, payload.target)
    return 200, services.merge_units(request.user, unit, target, reason=payload.reason)


@router.post("/{code}/dissolve", response=responses({200: UnitOut}, 400, 401, 403, 404, 413, 422))
def dissolve_unit(request: HttpRequest, code: str, payload: ReasonIn) -> tuple[int, Unit]:
    unit = visible_unit(request.user, code)
    return 200, services.dissolve_unit(request.user, unit, payload.reason)
