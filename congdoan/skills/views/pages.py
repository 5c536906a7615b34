"""What the skills pages share: the shape of a list page and of a new / edit page, and the
small parsing every group of pages needs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from congdoan.common import views as common_views

from .. import queries


def list_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    """A catalogue list, with the units the user may add items for ("New … for <unit>")."""
    return render(request, template, {**context, "units": queries.training_units(request.user)})


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    title: str,
    back: str,
    success: str,
    then: str | Callable[[Any], str] | None = None,
    multipart: bool = False,
    **extra: Any,
) -> HttpResponse:
    """A new / edit page on ``skills/form.html``: ``save`` is the service call, ``back`` the
    page it came from and, unless ``then`` says otherwise, where a success goes."""
    return common_views.form_page(
        request,
        form,
        save,
        template="skills/form.html",
        context={"title": title, "back": back, "multipart": multipart, **extra},
        success=success,
        then=then or back,
    )


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal on a page without a form: one error message."""
    messages.error(request, " ".join(exc.messages))


def day_param(raw: str | None) -> datetime.date | None:
    """The day in a ``YYYY-MM-DD`` parameter; None when it is missing or not a real date
    (``parse_date`` raises ValueError on a well-formed impossible one such as 2026-99-99)."""
    try:
        return parse_date(raw or "")
    except ValueError:
        return None
