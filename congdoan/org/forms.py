"""Forms of the organisation pages. They parse input; the services decide and write."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.models import AnyUser, User

from . import divisions
from .choices import Role, UnitKind
from .models import Unit
from .services import EDITABLE_FIELDS


def _province_choices():
    return [("", "—")] + [(code, name) for code, name in divisions.provinces()]


class UnitForm(forms.ModelForm):
    province_code = forms.TypedChoiceField(
        label=_("Province"), required=False, coerce=int, empty_value=None, choices=_province_choices
    )
    commune_code = forms.TypedChoiceField(
        label=_("Commune or ward"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")],
    )

    class Meta:
        model = Unit
        fields = ["code", "kind", *EDITABLE_FIELDS]

    field_order = ["code", "name", "abbreviation", "kind"]  # then the rest, as listed

    def __init__(self, *args, allowed_kinds: Iterable[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = [(k, UnitKind(k).label) for k in allowed_kinds]
        province = self.data.get("province_code") or (
            self.instance.province_code if self.instance else None
        )
        if province:
            with contextlib.suppress(TypeError, ValueError):
                self.fields["commune_code"].choices = [("", "—")] + divisions.communes_of(
                    int(province)
                )
        if self.instance and self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True
        self.fields["province_code"].widget.attrs.update(
            {"hx-get": "/units/communes/", "hx-target": "#id_commune_code", "hx-trigger": "change"}
        )

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields the services take as ``**fields`` (code and kind are arguments)."""
        data = dict(self.cleaned_data)
        data.pop("code", None)
        data.pop("kind", None)
        return data


class TargetUnitForm(forms.Form):
    target = forms.CharField(label=_("Code of the target unit"), max_length=32)
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, user: AnyUser | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_target(self) -> Unit:
        code = self.cleaned_data["target"].strip().upper()
        unit = Unit.objects.visible_to(self.user).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("No unit with code %(code)s in your scope.") % {"code": code}
            )
        return unit


class DissolveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("Username or e-mail"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self) -> User:
        value = self.cleaned_data["username"].strip()
        user = (
            User.objects.filter(username__iexact=value).first()
            or User.objects.filter(email__iexact=value).first()
        )
        if user is None:
            raise forms.ValidationError(_("No user with this username or e-mail."))
        return user


class RolePolicyForm(forms.Form):
    def __init__(self, *args, current: set[str] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Role.choices:
            self.fields[value] = forms.BooleanField(
                label=label, required=False, initial=value in current
            )
