"""Indicator of the paperless office, registered with ``congdoan.indicators.registry``.

``documents.processed_online``: of the work papers a unit handled in the period — documents
it issued (by issue date) and documents entered in its incoming register (by date received)
— the share handled electronically. Paper documents registered with a scan count in the
denominator only, which keeps the "80 % / 70 % of work papers processed online" target honest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.models import AnyUser
from congdoan.indicators.registry import (
    Column,
    Indicator,
    Kind,
    Period,
    part_records,
    register,
    subtree_records,
)
from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q

from .choices import Channel, DocumentStatus
from .models import Document, IncomingEntry


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.max), tz),
    )


ONLINE = Q(channel=Channel.ELECTRONIC)


def _outgoing(start: date, end: date) -> QuerySet[Document]:
    return Document.objects.filter(
        status=DocumentStatus.ISSUED, issue_date__gte=start, issue_date__lte=end
    )


def _incoming(start: date, end: date) -> QuerySet[IncomingEntry]:
    low, high = _day_bounds(start, end)
    return IncomingEntry.objects.filter(received_at__gte=low, received_at__lte=high)


def _compute(period: Period) -> list[tuple[int, int, int]]:
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    online = Count("pk", filter=ONLINE)
    for qs in (_outgoing(period.start, period.end), _incoming(period.start, period.end)):
        for unit_id, n, d in (
            qs.order_by()
            .values("unit_id")
            .annotate(n=online, d=Count("pk"))
            .values_list("unit_id", "n", "d")
        ):
            totals[unit_id][0] += n
            totals[unit_id][1] += d
    return [(unit_id, n, d) for unit_id, (n, d) in totals.items()]


def documents_online_share(
    unit_path_prefix: str, date_from: date, date_to: date
) -> tuple[int, int]:
    """(handled online, all work papers) for the subtree at ``unit_path_prefix``."""
    numerator = denominator = 0
    for qs in (_outgoing(date_from, date_to), _incoming(date_from, date_to)):
        qs = qs.filter(prefix_q(unit_path_prefix, "unit__path"))
        denominator += qs.count()
        numerator += qs.filter(ONLINE).count()
    return numerator, denominator


def _records(
    user: AnyUser, unit: Unit, period: Period, part: str
) -> list[Document | IncomingEntry]:
    """Documents issued and entries received in ``unit``'s subtree in the period, newest first:
    the online ones (numerator), those on paper (complement) or all (denominator)."""
    rows: list[Document | IncomingEntry] = []
    for model, in_period in (
        (Document, _outgoing(period.start, period.end)),
        (IncomingEntry, _incoming(period.start, period.end)),
    ):
        visible = model.objects.visible_to(user).filter(pk__in=in_period.values("pk"))
        records = part_records(subtree_records(visible, unit), part, ONLINE)
        rows += list(records.select_related("unit", "doc_type")[:2000])
    return sorted(rows, key=_record_date, reverse=True)


def _record_date(obj) -> date:
    if isinstance(obj, Document):
        return obj.issue_date or obj.created_at.date()
    return timezone.localtime(obj.received_at).date()


def _direction(obj) -> str:
    return str(_("Outgoing")) if isinstance(obj, Document) else str(_("Incoming"))


def _url(obj) -> str:
    if isinstance(obj, Document):
        return reverse("documents:detail", args=[obj.pk])
    return reverse("documents:incoming_detail", args=[obj.pk])


DOCUMENTS_PROCESSED_ONLINE = register(
    Indicator(
        code="documents.processed_online",
        name=_("Documents processed online"),
        kind=Kind.RATIO,
        compute=_compute,
        description=_(
            "Documents issued and received by the unit in the period that were handled electronically "
            "(signed and delivered on the platform), out of all, including paper documents registered "
            "with a scan."
        ),
        measure=_("documents"),
        numerator_label=_("handled online"),
        denominator_label=_("all work papers"),
        flow=True,
        history=True,
        records=_records,
        columns=(
            Column(_("Date"), _record_date),
            Column(_("Direction"), _direction),
            Column(_("Number and symbol"), "number_symbol"),
            Column(_("Summary"), "summary"),
            Column(_("Channel"), "get_channel_display"),
            Column(_("Unit"), "unit.name"),
        ),
        record_url=_url,
        order=60,
    )
)
