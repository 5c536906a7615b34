"""Filters of member lists (UI: django-filter; API and exports: ``apply_filters``)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q

from .choices import OPEN_STATUSES, AgeBand, Gender, MemberStatus

ALL_STATUSES = "all"  # the status filter's value for every member, former ones too


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_q(band: str, today: datetime.date | None = None) -> Q:
    """Members whose age today is in ``band`` (born after / on or before the boundary dates)."""
    today = today or timezone.localdate()
    bounds = {
        AgeBand.UNDER_30: (None, 30),
        AgeBand.FROM_30_TO_39: (30, 40),
        AgeBand.FROM_40_TO_49: (40, 50),
        AgeBand.FROM_50: (50, None),
    }.get(band)
    if bounds is None:
        return Q()
    low, high = bounds
    q = Q(date_of_birth__isnull=False)
    if low is not None:  # at least ``low`` years old
        q &= Q(date_of_birth__lte=_years_ago(today, low))
    if high is not None:  # younger than ``high``
        q &= Q(date_of_birth__gt=_years_ago(today, high))
    return q


def apply_filters(
    qs, *, q=None, unit: Unit | None = None, status=None, gender=None, age=None, complete=None
):
    if unit is not None:
        qs = qs.filter(prefix_q(unit.path, "unit__path"))
    if q:
        qs = qs.search(q)
    if status:
        qs = qs.filter(status=status)
    if gender:
        qs = qs.filter(gender=gender)
    if age:
        qs = qs.filter(age_q(age))
    if complete is not None and complete != "":
        qs = qs.filter(is_complete=complete in (True, "1", "true", "yes"))
    return qs


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name (accents optional), identity, card or phone number"),
                "type": "search",
                "class": "form-control",
            }
        ),
    )
    unit = django_filters.CharFilter(
        label=_("Unit"),
        method="filter_unit",
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("Unit code"),
                "aria-label": _("Unit code"),
            }
        ),
    )
    # Blank: the current members (active or suspended); those who left, moved away or died
    # show when asked for (``ALL_STATUSES`` or their own status).
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ALL_STATUSES, _("All, including former members")), *MemberStatus.choices],
        empty_label=_("Current members"),
        method="filter_status",
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"), choices=Gender.choices, empty_label=_("Male and female")
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"), choices=AgeBand.choices, method="filter_age", empty_label=_("All ages")
    )
    complete = django_filters.ChoiceFilter(
        label=_("Record"),
        method="filter_complete",
        empty_label=_("All records"),
        choices=[("1", _("Complete")), ("0", _("Incomplete"))],
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name in ("status", "gender", "age", "complete"):
            self.filters[name].field.widget.attrs["class"] = "form-select"

    def filter_q(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        """All filters, the search last; ``unsearched`` keeps the rows before the search (the
        list reads a name search's pages from it: ``queries.NameSearchPages``)."""
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        self.unsearched = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q")
        return self.unsearched.search(text) if text else self.unsearched

    def filter_unit(self, queryset, name, value):
        unit = Unit.objects.visible_to(self.user).filter(code=value.strip().upper()).first()
        if unit is None:
            return queryset.none()
        return apply_filters(queryset, unit=unit)

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL_STATUSES else queryset.filter(status=value)

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_q(value))

    def filter_complete(self, queryset, name, value):
        return apply_filters(queryset, complete=value)
