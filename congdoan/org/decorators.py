"""View decorators about who may open a page at all (scope itself is the querysets' job)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .queries import holds_role


def officers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Officers' work pages (registers, catalogues, the office): a worker, who holds no role
    anywhere, is refused them (403) rather than shown an empty officers' page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not holds_role(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
