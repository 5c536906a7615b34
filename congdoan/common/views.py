"""Project-wide views with no domain of their own, and the page pattern every app shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import add_service_errors

T = TypeVar("T")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"database": "ok"}`` when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"database": "unreachable"}, status=503)
    return JsonResponse({"database": "ok"})


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], T],
    *,
    template: str,
    context: dict[str, Any],
    success: str,
    then: str | Callable[[T], str],
) -> HttpResponse:
    """A page that creates or changes one thing through a service.

    On a POST whose ``form`` is valid, ``save()`` (the service call) runs: a ``ValidationError``
    it raises goes onto the form's fields (``add_service_errors``) and the page is shown
    again; otherwise ``success`` is flashed and the browser is sent to ``then`` (a URL, a URL
    name, or a function of what ``save`` returned). Any other request shows ``template`` with
    ``context`` and the ``form``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(then(saved) if callable(then) else then)
    return render(request, template, {**context, "form": form})
