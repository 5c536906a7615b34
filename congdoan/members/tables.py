"""The member list table (django-tables2): masked identity numbers, sortable columns."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableQuerysetData

from congdoan.common.phone import display_phone

from . import queries
from .models import Member


class MemberRows(TableQuerysetData):
    """The table's rows, as the API reads them (``queries.MemberPages``): counted exactly up to
    ``queries.COUNT_CAP``, estimated beyond it on PostgreSQL (``exact`` is False then, and the
    page says "about …"), and in the default order read page by page (a name search from the
    name indexes, a small scope sorted) instead of sorting every match."""

    def __init__(self, qs, search: str | None = None, unsearched=None):
        """``qs``: the rows, searched; ``unsearched``: the same rows before the search (the
        pages add their own prefix filters: repeating the search's would skew the planner's
        estimates towards a sort of every match)."""
        super().__init__(qs)
        self.counted = queries.MemberPages.of(qs if unsearched is None else unsearched, search)
        self.pages = self.counted
        self.exact = True

    def __len__(self):
        if getattr(self, "_length", None) is None:
            self._length, self.exact = self.counted.count()
        return self._length

    def order_by(self, aliases):
        self.pages = None  # a column the user sorts by: the database sorts the matches
        super().order_by(aliases)

    def __getitem__(self, key):
        if self.pages is not None and isinstance(key, slice) and key.step is None:
            start = key.start or 0
            return self.pages.slice(start, len(self) if key.stop is None else key.stop)
        return super().__getitem__(key)


MD = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
LG = {"td": {"class": "d-none d-lg-table-cell"}, "th": {"class": "d-none d-lg-table-cell"}}


class MemberTable(tables.Table):
    """Below 768 px only the name (with card, date of birth, unit and status folded under it)
    and the completeness show; the identity number, phone and gender from 992 px."""

    full_name = tables.Column(verbose_name=_("Full name"), order_by=("name_folded", "id"))
    card_number = tables.Column(verbose_name=_("Card"), attrs=MD)
    date_of_birth = tables.DateColumn(format="d/m/Y", verbose_name=_("Date of birth"), attrs=MD)
    gender = tables.Column(verbose_name=_("Gender"), attrs=LG)
    cccd = tables.Column(
        verbose_name=_("Identity number"),
        accessor="cccd",
        orderable=False,
        attrs={
            "td": {"class": "d-none d-lg-table-cell font-monospace"},
            "th": {"class": "d-none d-lg-table-cell"},
        },
    )
    phone = tables.Column(
        verbose_name=_("Phone"),
        orderable=False,
        attrs={
            "td": {"class": "d-none d-lg-table-cell text-nowrap"},
            "th": {"class": "d-none d-lg-table-cell"},
        },
    )
    unit = tables.Column(
        verbose_name=_("Grassroots union"),
        accessor="unit__name",
        order_by=("unit__path",),
        attrs={
            "td": {"class": "d-none d-md-table-cell small"},
            "th": {"class": "d-none d-md-table-cell"},
        },
    )
    status = tables.Column(verbose_name=_("Status"), attrs=MD)
    completeness = tables.Column(
        verbose_name=_("Complete"),
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = Member
        fields = (
            "full_name",
            "card_number",
            "date_of_birth",
            "gender",
            "cccd",
            "phone",
            "unit",
            "status",
            "completeness",
        )
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        per_page = 50
        empty_text = _("No members match.")

    def render_date_of_birth(self, record):
        return record.birth_display

    def render_full_name(self, record):
        born = record.birth_display
        details = " · ".join(part for part in (record.card_number, born, record.unit.name) if part)
        return format_html(
            '<a href="{}">{}</a><div class="d-md-none small text-body-secondary">{} {}</div>',
            reverse("members:detail", args=[record.pk]),
            record.full_name,
            details,
            self.render_status(record),
        )

    def render_cccd(self, record):
        return record.cccd_masked

    def render_phone(self, value):
        return display_phone(value)

    def render_status(self, record):
        css = "text-bg-success" if record.status == "active" else "text-bg-secondary"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def render_completeness(self, record):
        css = "text-success" if record.is_complete else "text-warning-emphasis"
        return format_html('<span class="{}">{} %</span>', css, record.completeness)
