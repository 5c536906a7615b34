"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: each message on its field when the
    form has that field, on the whole form otherwise, so no message is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
