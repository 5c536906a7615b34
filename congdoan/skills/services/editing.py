"""How every ``save_<item>`` service starts and ends: the item is changed in its own unit (or
created in the unit given), the actor's role checked there first; the fields are set, the
model's rules checked and the row saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models

from congdoan.accounts.models import User
from congdoan.org.models import Unit
from congdoan.org.services import require_role

M = TypeVar("M", bound=models.Model)


def item_to_save(
    actor: User, unit: Unit, item: M | None, model: type[M], roles: Iterable[str], **new: Any
) -> M:
    """``item`` when it is given (its own unit counts, whatever ``unit`` says), else a new
    ``model(unit=unit, **new)``; ``OutOfScope`` / ``NotAllowed`` unless the actor holds one
    of ``roles`` on that unit."""
    require_role(actor, item.unit if item is not None else unit, roles)
    return item if item is not None else model(unit=unit, **new)


def set_fields(item: models.Model, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        setattr(item, key, value)


def save_checked(
    item: M, fields: dict[str, Any] | None = None, *, history_user: User | None = None
) -> M:
    """Set ``fields`` on ``item``, check the model's rules (``ValidationError``), save."""
    set_fields(item, fields or {})
    item.full_clean()
    if history_user is not None:
        item._history_user = history_user  # django-simple-history records who changed it
    item.save()
    return item
