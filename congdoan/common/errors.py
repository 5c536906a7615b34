"""Errors raised by services and translated by views and the API.

``OutOfScope`` is a 404: an object outside the actor's subtree does not exist for them.
``NotAllowed`` is a 403: the object is visible but the actor's role does not allow the action.
Input problems are Django ``ValidationError``s with messages in the user's language.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=Model)


class OutOfScope(Http404):
    pass


class NotAllowed(PermissionDenied):
    pass


def not_found() -> OutOfScope:
    """The one 404 for "does not exist, or not yours to see": the two are never told apart."""
    return OutOfScope(_("Not found, or outside the units you work with."))


def visible_or_404(queryset: QuerySet[M], **lookup) -> M:
    """The object of an already scoped ``queryset`` matching ``lookup``, or the common 404.

    Each app's ``queries.py`` builds its ``visible_<thing>(user, …)`` on this, so views and
    API endpoints answer a missing or out-of-scope object the same way.
    """
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise not_found() from exc
