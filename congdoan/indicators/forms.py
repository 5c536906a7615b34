"""Forms of the dashboards: the period shown, and a target."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 180
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS)
        if end > today:
            self.add_error("end", _("The end of the period cannot be in the future."))
        if start > end:
            self.add_error("start", _("The start must be on or before the end."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("start", _("A period can be at most three years long."))
        data["start"], data["end"] = start, end
        return data

    def period(self):
        """(start, end): the cleaned period, or the default one when the input was wrong."""
        today = timezone.localdate()
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return today - timedelta(days=DEFAULT_DAYS), today


class TargetForm(forms.Form):
    value = forms.DecimalField(
        label=_("Target value"), max_digits=14, decimal_places=2, min_value=0
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
