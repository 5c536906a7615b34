"""Dashboards: a unit's cards, the selected indicator's series and children, drill-down,
targets, and the .xlsx / PDF exports. Thin: read through ``queries``, write through ``services``."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import NotAllowed
from congdoan.common.exports import XLSX_CONTENT_TYPE, write_xlsx
from congdoan.org import queries as org_queries
from congdoan.org.choices import UNIT_EDITORS
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on

from . import queries, registry, services
from .forms import PeriodForm, TargetForm
from .models import Target
from .registry import Part, Period

RECORDS_PER_PAGE = 50


def _unit(user, code: str) -> Unit:
    try:
        return org_queries.visible_unit(user, code)
    except Unit.DoesNotExist as exc:
        raise Http404(_("No such unit in your scope.")) from exc


def _indicator(code: str):
    try:
        return registry.get(code)
    except KeyError as exc:
        raise Http404(_("No such indicator.")) from exc


def _chart_data(card, children) -> dict:
    series = card.series
    return {
        "labels": [p.day.isoformat() for p in series],
        "values": [p.value for p in series],
        "targets": [
            {"label": f"{t.value:g} · {t.deadline:%d/%m/%Y}", "value": t.value}
            for t in card.targets
        ],
        "children": {
            "labels": [r.unit.name for r in children[:20]],
            "values": [r.value for r in children[:20]],
        },
        "percent": card.indicator.is_ratio,
    }


@login_required
@require_GET
def home(request):
    tops = list(org_queries.top_units(request.user)[:2])
    if len(tops) == 1 or (tops and request.user.is_superuser):
        return redirect("indicators:dashboard", code=tops[0].code)
    return render(request, "indicators/home.html", {"tops": org_queries.top_units(request.user)})


@login_required
@require_GET
def dashboard(request, code):
    unit = _unit(request.user, code)
    period_form = PeriodForm(request.GET or None)
    start, day = period_form.period()
    services.ensure_fresh()
    cards = queries.unit_cards(unit, day, start)
    selected = next(
        (c for c in cards if c.indicator.code == request.GET.get("i")), cards[0] if cards else None
    )
    children = queries.children_ranked(unit, selected.indicator, day) if selected else []
    context = {
        "unit": unit,
        "crumbs": org_queries.breadcrumbs(request.user, unit),
        "cards": cards,
        "selected": selected,
        "children": children,
        "period_form": period_form,
        "start": start,
        "day": day,
        "is_today": day == timezone.localdate(),
        "refreshed_at": queries.refreshed_at(),
        "chart": _chart_data(selected, children) if selected else None,
        "children_max": max((r.value or 0 for r in children), default=0),
        "can_set_targets": has_role_on(request.user, unit, UNIT_EDITORS),
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
@require_GET
def records(request, code, indicator):
    unit = _unit(request.user, code)
    ind = _indicator(indicator)
    if ind.records is None:
        raise Http404(_("This indicator has no list of records."))
    part = request.GET.get("part") or Part.NUMERATOR
    parts = dict(ind.parts)
    if part not in parts:
        raise Http404(_("No such list."))
    today = timezone.localdate()
    queryset = ind.records(
        request.user, unit, Period.year_to_date(today) if ind.flow else Period(today, today), part
    )
    page = Paginator(queryset, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "cells": [col.value(obj) for col in ind.columns],
            "url": ind.record_url(obj) if ind.record_url else "",
        }
        for obj in page.object_list
    ]
    return render(
        request,
        "indicators/records.html",
        {
            "unit": unit,
            "indicator": ind,
            "part": part,
            "part_label": parts[part],
            "parts": ind.parts,
            "page": page,
            "rows": rows,
            "crumbs": org_queries.breadcrumbs(request.user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, code, indicator):
    unit = _unit(request.user, code)
    ind = _indicator(indicator)
    can_edit = has_role_on(request.user, unit, UNIT_EDITORS)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise NotAllowed(_("Your role does not allow this action on this unit."))
        if form.is_valid():
            try:
                services.set_target(
                    request.user,
                    unit,
                    ind.code,
                    form.cleaned_data["value"],
                    form.cleaned_data["deadline"],
                    form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Target saved."))
                return redirect("indicators:targets", code=unit.code, indicator=ind.code)
    today = timezone.localdate()
    card = queries.card(unit, ind, today, today)
    own = Target.objects.filter(indicator=ind.code, unit=unit).order_by("deadline")
    return render(
        request,
        "indicators/targets.html",
        {
            "unit": unit,
            "indicator": ind,
            "card": card,
            "own_targets": own,
            "form": form,
            "can_edit": can_edit,
            "crumbs": org_queries.breadcrumbs(request.user, unit),
        },
    )


@login_required
@require_POST
def delete_target(request, code, target_id):
    unit = _unit(request.user, code)
    target = get_object_or_404(Target.objects.select_related("unit"), pk=target_id, unit=unit)
    services.delete_target(request.user, target)
    messages.success(request, _("Target deleted."))
    return redirect("indicators:targets", code=unit.code, indicator=target.indicator)


def _table(unit, day):
    """Rows of the export: the unit itself, then each child, with every indicator."""
    indicators = registry.all_indicators()
    children = list(
        Unit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1, status="active"
        ).order_by("name")
    )
    from .models import Figure

    figures = {
        (code, uid): (n, d)
        for code, uid, n, d in Figure.objects.filter(unit__in=[unit.pk] + [c.pk for c in children])
        .on(day)
        .values_list("indicator", "unit_id", "numerator", "denominator")
    }
    rows = []
    for u in [unit, *children]:
        cells = []
        for ind in indicators:
            n, d = figures.get((ind.code, u.pk), (0, 0))
            cells.append((ind.value(n, d), n, d))
        rows.append((u, cells))
    return indicators, rows


@login_required
@require_GET
def export_xlsx(request, code):
    unit = _unit(request.user, code)
    _start, day = PeriodForm(request.GET or None).period()
    indicators, rows = _table(unit, day)
    header = [_("Code"), _("Unit")]
    percent_columns = []
    for ind in indicators:
        name = str(ind.name)
        if ind.is_ratio:
            percent_columns.append(len(header))
            numerator, denominator = _("numerator"), _("denominator")
            header += [f"{name} (%)", f"{name}: {numerator}", f"{name}: {denominator}"]
        else:
            header.append(name)
    lines = []
    for u, cells in rows:
        line = [u.code, u.name]
        for ind, (value, n, d) in zip(indicators, cells, strict=True):
            line += [value, n, d] if ind.is_ratio else [n]  # a ratio of nothing stays blank
        lines.append(line)
    sheet = _("Indicators")[:31]
    title = _("%(unit)s — figures on %(day)s") % {
        "unit": unit.name,
        "day": day.strftime("%d/%m/%Y"),
    }
    buffer = io.BytesIO()  # a unit and its children: small enough to hold in memory
    write_xlsx(
        buffer,
        [(sheet, header, lines)],
        title_rows={sheet: [title]},
        widths={sheet: [16, 48] + [14] * (len(header) - 2)},
        number_formats={sheet: dict.fromkeys(percent_columns, "0.00")},
        freeze_columns={sheet: 2},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="chi-tieu-{unit.code}-{day:%Y%m%d}.xlsx"'
    )
    return response


@login_required
@require_GET
def report_pdf(request, code):
    from congdoan.common.pdf import render_pdf

    unit = _unit(request.user, code)
    start, day = PeriodForm(request.GET or None).period()
    cards = queries.unit_cards(unit, day, start)
    children = {
        c.indicator.code: queries.children_ranked(unit, c.indicator, day)[:15] for c in cards
    }
    html = render_to_string(
        "indicators/report.html",
        {
            "unit": unit,
            "cards": cards,
            "children": children,
            "start": start,
            "day": day,
            "generated_at": timezone.localtime(),
            "user": request.user,
        },
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-chi-tieu-{unit.code}-{day:%Y%m%d}.pdf"'
    )
    return response
