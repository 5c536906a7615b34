"""Dashboard pages, exports and API answers."""

from __future__ import annotations

import contextlib
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from congdoan.indicators import services, snapshots
from congdoan.indicators.models import Figure
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from tests.conftest import make_unit

from .conftest import FEED


@pytest.fixture
def figures(tree, admin_user, test_indicators):
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=100, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.gr_a2.pk).update(worker_count=300)
    Unit.objects.filter(pk=tree.gr_b1.pk).update(worker_count=100)
    FEED["rows"] = [(tree.gr_a1.pk, 1, 2)]
    today = timezone.localdate()
    snapshots.refresh(today - timedelta(days=3), ["test.fed", "test.foreign_workers"])
    snapshots.refresh()
    services.set_target(admin_user, tree.prov, "test.foreign_workers", 80, date(2030, 12, 31))
    return tree


def test_dashboard_shows_cards_children_and_links(figures, admin_user, client_for):
    response = client_for(admin_user).get("/indicators/PROV/?i=test.foreign_workers")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Workers at foreign-invested units" in body
    assert "/indicators/ZONE/?i=test.foreign_workers" in body  # child row opens its dashboard
    assert "/indicators/PROV/test.foreign_workers/records/?part=complement" in body
    assert 'id="chart-data"' in body and "chart.umd.min.js" in body
    children = response.context["children"]
    assert [r.unit.code for r in children] == ["WARD", "ZONE"]  # 0 % vs 20 %: laggards first
    assert (children[1].numerator, children[1].denominator) == (100, 400)
    card = next(c for c in response.context["cards"] if c.indicator.code == "test.foreign_workers")
    assert card.value == 20 and card.targets[0].status == "behind"


def test_dashboard_query_count_does_not_grow_with_children(figures, admin_user, client_for):
    client = client_for(admin_user)
    client.get("/indicators/WARD/?i=test.workers")  # warm the session and the scope
    with CaptureQueriesContext(connection) as before:
        client.get("/indicators/WARD/?i=test.workers")
    for i in range(15):
        make_unit(
            figures.ward,
            f"NEW-{i}",
            f"Công đoàn cơ sở {i}",
            UnitKind.GRASSROOTS_UNION,
            worker_count=10 + i,
        )
    snapshots.refresh()
    with CaptureQueriesContext(connection) as after:
        response = client.get("/indicators/WARD/?i=test.workers")
    assert len(response.context["children"]) == 16
    assert len(after) == len(before) <= 14, [q["sql"][:120] for q in after.captured_queries]


def test_api_list_and_series(figures, admin_user, api_client_for):
    client = api_client_for(admin_user)
    data = client.get("/api/v1/indicators", {"unit": "PROV"}).json()
    row = next(r for r in data if r["code"] == "test.foreign_workers")
    assert row["numerator"] == 100 and row["denominator"] == 500 and row["value"] == 20.0
    assert row["targets"] == [
        {
            "value": 80.0,
            "deadline": "2030-12-31",
            "status": "behind",
            "projected_date": None,
            "set_at": "PROV",
        }
    ]
    today = timezone.localdate()
    series = client.get(
        "/api/v1/indicators/test.fed/series",
        {"unit": "ZONE", "from": (today - timedelta(days=5)).isoformat(), "to": today.isoformat()},
    ).json()
    assert [p["value"] for p in series["points"]] == [50.0] * 4
    assert series["points"][0]["date"] == (today - timedelta(days=3)).isoformat()
    bad = client.get(
        "/api/v1/indicators/test.fed/series",
        {"unit": "ZONE", "from": "2026-05-01", "to": "2026-01-01"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "from"
    assert client.get("/api/v1/indicators/nope/series", {"unit": "ZONE"}).status_code == 404
    children = client.get(
        "/api/v1/indicators/test.foreign_workers/children", {"unit": "PROV"}
    ).json()
    assert [c["unit"] for c in children] == ["ZONE", "WARD"]


def test_api_names_follow_the_language(figures, admin_user, api_client_for):
    data = (
        api_client_for(admin_user)
        .get("/api/v1/indicators", {"unit": "PROV"}, HTTP_ACCEPT_LANGUAGE="vi")
        .json()
    )
    names = {r["code"]: r["name"] for r in data}
    assert names["org.active_grassroots_unions"] == "Công đoàn cơ sở đang hoạt động"


def test_xlsx_export_has_unit_and_children(figures, admin_user, client_for):
    response = client_for(admin_user).get("/indicators/PROV/export.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    codes = [r[0] for r in rows[3:]]
    assert codes == ["PROV", "ZONE", "WARD"]  # children by name
    assert "Workers at foreign-invested units (%)" in rows[2]


def test_pdf_report_is_a_pdf_with_vietnamese_font(figures, admin_user, client_for):
    response = client_for(admin_user).get("/indicators/PROV/report.pdf", {"start": "2026-01-01"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"BeVietnamPro" in _inflated(response.content) or b"DejaVu" in _inflated(
        response.content
    )


def _inflated(pdf: bytes) -> bytes:
    import re
    import zlib

    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(match.group(1)))
    return b"".join(chunks)


def test_period_errors_fall_back_to_default(figures, admin_user, client_for):
    response = client_for(admin_user).get(
        "/indicators/PROV/", {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["period_form"].errors


def test_home_redirects_to_own_unit(figures, officer_a, client_for):
    response = client_for(officer_a).get("/indicators/")
    assert response.status_code == 302 and response["Location"] == "/indicators/ZONE/"


def test_snapshot_and_backfill_commands(figures):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("backfill_indicators", "--from", "2026-01-01", "--to", "2026-01-03", stdout=out)
    assert "3 dates computed" in out.getvalue()
    assert Figure.objects.filter(indicator="test.fed", valid_from=date(2026, 1, 1)).exists()
    out = io.StringIO()
    call_command("snapshot_indicators", "--indicator", "test.workers", stdout=out)
    assert "test.workers" in out.getvalue()


def test_stale_figures_refresh_in_embedded_mode(tree, admin_user, client_for, test_indicators):
    """Without a worker, a dashboard older than a minute recomputes before answering (small trees)."""
    from django.core.cache import cache

    from congdoan.indicators.models import RefreshState

    cache.delete("indicators:refresh-requested")
    assert not Figure.objects.exists()
    client_for(admin_user).get("/indicators/PROV/")
    assert Figure.objects.filter(indicator="org.active_grassroots_unions", unit=tree.prov).exists()
    # A big installation (slow last refresh) is never refreshed inside a request.
    cache.delete("indicators:refresh-requested")
    RefreshState.objects.update(
        refreshed_at=timezone.now() - timedelta(minutes=5), duration_ms=60_000
    )
    Figure.objects.all().delete()
    client_for(admin_user).get("/indicators/PROV/")
    assert not Figure.objects.exists()


def test_celery_task_refreshes(tree, test_indicators):
    from congdoan.indicators.tasks import refresh_indicators

    written = refresh_indicators.delay().get()
    assert written["org.active_grassroots_unions"] > 0
