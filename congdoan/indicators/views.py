"""Dashboards: a unit's cards, the selected indicator's series and children, drill-down,
targets, and the .xlsx / PDF exports. Thin: read through ``queries``, write through ``services``."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import NotAllowed
from congdoan.common.exports import XLSX_CONTENT_TYPE, write_xlsx
from congdoan.common.forms import add_service_errors
from congdoan.common.pdf import render_pdf
from congdoan.org import queries as org_queries
from congdoan.org.choices import UNIT_EDITORS
from congdoan.org.queries import visible_unit
from congdoan.org.scoping import has_role_on

from . import labels, queries, services
from .forms import PeriodForm, TargetForm
from .queries import indicator_or_404
from .registry import Part, Period
from .templatetags.indicator_tags import target_figure

RECORDS_PER_PAGE = 50


def _chart_data(card, children, unit) -> dict:
    """What dashboard.js draws: dates as people write them, the indicator's own name on its
    line, each target line saying what it is, and only the sub-units that have data."""
    ind = card.indicator
    series = card.series
    charted = [r for r in children if r.has_data and r.has_figure][:20]
    # One target line across the bars only when every charted unit is measured against it.
    child_targets = {r.target for r in charted}
    name = str(ind.name)
    return {
        "labels": [p.day.strftime("%d/%m/%Y") for p in series],
        "values": [p.value for p in series],
        "series_label": f"{name} ({ind.measure})" if ind.measure and not ind.is_ratio else name,
        "targets": [
            {
                "label": _("Target %(value)s by %(deadline)s")
                % {"value": target_figure(t.value, ind), "deadline": f"{t.deadline:%d/%m/%Y}"},
                "value": t.value,
            }
            for t in card.targets
        ],
        "children": {
            "labels": labels.short_names([r.unit.name for r in charted], unit.name),
            "names": [r.unit.name for r in charted],
            "values": [r.value for r in charted],
            "target": child_targets.pop() if len(child_targets) == 1 else None,
            "target_label": _("Target"),
        },
        "percent": ind.is_ratio,
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
    unit = visible_unit(request.user, code)
    period_form = PeriodForm(request.GET or None)
    start, day = period_form.period()
    services.ensure_fresh()
    cards = queries.unit_cards(unit, day, start)
    selected = next(
        (c for c in cards if c.indicator.code == request.GET.get("i")), cards[0] if cards else None
    )
    # Percentages: furthest behind first unless ?order=best; counts: largest first.
    laggards_first = request.GET.get("order") != "best"
    children = (
        queries.children_ranked(
            unit, selected.indicator, day, laggards_first=None if laggards_first else False
        )
        if selected
        else []
    )
    context = {
        "unit": unit,
        "crumbs": org_queries.breadcrumbs(request.user, unit),
        "cards": cards,
        "selected": selected,
        "children": children,
        "laggards_first": laggards_first,
        "period_form": period_form,
        "start": start,
        "day": day,
        "is_today": day == timezone.localdate(),
        "refreshed_at": queries.refreshed_at(),
        "chart": _chart_data(selected, children, unit) if selected else None,
        # Sub-units where anything was counted: none (union groups, whose members are recorded
        # on their grassroots union) and the ranking says so instead of drawing empty bars.
        "children_with_figures": sum(1 for r in children if r.has_figure),
        "children_max": max((r.value or 0 for r in children), default=0),
        "can_set_targets": has_role_on(request.user, unit, UNIT_EDITORS),
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
@require_GET
def below_target(request, code, indicator):
    """Every grassroots union of the subtree below its current target, in one list."""
    unit = visible_unit(request.user, code)
    ind = indicator_or_404(indicator)
    if not ind.is_ratio:
        raise Http404(_("Only percentage indicators have targets that units fall below."))
    _start, day = PeriodForm(request.GET or None).period()
    services.ensure_fresh()
    rows = queries.grassroots_below_target(unit, ind, day)
    page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    parents = queries.parent_names([r.unit for r in page.object_list])
    return render(
        request,
        "indicators/below_target.html",
        {
            "unit": unit,
            "indicator": ind,
            "day": day,
            "page": page,
            "total": len(rows),
            "parents": parents,
            "crumbs": org_queries.breadcrumbs(request.user, unit),
        },
    )


@login_required
@require_GET
def records(request, code, indicator):
    unit = visible_unit(request.user, code)
    ind = indicator_or_404(indicator)
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
    unit = visible_unit(request.user, code)
    ind = indicator_or_404(indicator)
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
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Target saved."))
                return redirect("indicators:targets", code=unit.code, indicator=ind.code)
    today = timezone.localdate()
    card = queries.card(unit, ind, today, today)
    own = queries.targets_set_on(unit, ind)
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
    unit = visible_unit(request.user, code)
    target = queries.visible_target(request.user, unit, target_id)
    services.delete_target(request.user, target)
    messages.success(request, _("Target deleted."))
    return redirect("indicators:targets", code=unit.code, indicator=target.indicator)


@login_required
@require_GET
def export_xlsx(request, code):
    unit = visible_unit(request.user, code)
    _start, day = PeriodForm(request.GET or None).period()
    table = queries.export_table(unit, day)
    indicators = table.indicators
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
    for u, cells in table.rows:
        line = [u.code, u.name]
        for ind, (value, n, d) in zip(indicators, cells, strict=True):
            # a ratio of nothing, or a count without its base, stays blank: no data, not 0
            line += [value, n, d] if ind.is_ratio else [None if value is None else n]
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
    unit = visible_unit(request.user, code)
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
