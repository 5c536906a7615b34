"""The indicator dashboard in a real browser: what the bars and charts draw."""

from __future__ import annotations

from datetime import date

import pytest

from congdoan.indicators import services, snapshots
from congdoan.org.models import Unit
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.indicators.conftest import test_indicators  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

IND = "test.foreign_workers"


@pytest.fixture
def dashboard(tree, admin_user, test_indicators):  # noqa: F811 (the imported fixture)
    # ZONE: 59 of 200 workers at foreign-invested units = 29.5 %; WARD: 0 of 100
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=59, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.gr_a2.pk).update(worker_count=141)
    Unit.objects.filter(pk=tree.gr_b1.pk).update(worker_count=100)
    snapshots.refresh()
    services.set_target(admin_user, tree.prov, IND, 80, date(2030, 12, 31))
    return tree


def _box(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def test_ranking_bars_are_drawn_to_scale_with_the_target_line(page, dashboard, admin_user):
    login(page, admin_user.username, PASSWORD)
    page.goto(f"{page.base_url}/indicators/PROV/?i={IND}")
    zone = "[data-testid=children-table] tr[data-unit=ZONE]"
    track = _box(page, f"{zone} [data-testid=rank-track]")
    assert track["width"] > 50
    page.wait_for_function(
        "document.querySelector('tr[data-unit=ZONE] [data-testid=rank-bar]').style.width !== ''"
    )
    bar = _box(page, f"{zone} [data-testid=rank-bar]")
    assert bar["x"] == pytest.approx(track["x"], abs=1)
    assert bar["width"] / track["width"] == pytest.approx(0.295, abs=0.01)
    # the target line: the right edge of the target box sits at 80 % of the track
    line = _box(page, f"{zone} [data-testid=rank-target]")
    assert (line["x"] + line["width"] - track["x"]) / track["width"] == pytest.approx(0.8, abs=0.01)
    # a real 0 % draws no bar at all, but its target line is still there
    ward = "[data-testid=children-table] tr[data-unit=WARD]"
    assert _box(page, f"{ward} [data-testid=rank-bar]")["width"] < 1
    assert page.locator(f"{ward} [data-testid=rank-target]").count() == 1


def test_count_bars_are_drawn_against_the_largest(page, dashboard, admin_user):
    login(page, admin_user.username, PASSWORD)
    page.goto(f"{page.base_url}/indicators/PROV/?i=test.workers")
    page.wait_for_function(
        "document.querySelector('tr[data-unit=WARD] [data-testid=rank-bar]').style.width !== ''"
    )
    zone_track = _box(page, "tr[data-unit=ZONE] [data-testid=rank-track]")
    zone = _box(page, "tr[data-unit=ZONE] [data-testid=rank-bar]")
    ward = _box(page, "tr[data-unit=WARD] [data-testid=rank-bar]")
    assert zone["width"] == pytest.approx(zone_track["width"], abs=1)  # 200, the largest
    assert ward["width"] / zone["width"] == pytest.approx(0.5, abs=0.01)  # 100 of 200
    assert page.locator("[data-testid=rank-target]").count() == 0  # counts: no inherited target


def test_phone_ranking_labels_stay_distinct_with_full_names_in_tooltips(
    browser, live_server, dashboard, admin_user
):
    # Two names that only differ past the point a phone axis has room for.
    long = "Công đoàn phường {} thành phố Hạ Long tỉnh Quảng Ninh"
    Unit.objects.filter(pk=dashboard.zone.pk).update(name=long.format("Hồng Hải"))
    Unit.objects.filter(pk=dashboard.ward.pk).update(name=long.format("Hồng Hà"))
    Unit.objects.filter(pk=dashboard.gr_b1.pk).update(ownership="foreign_invested")
    snapshots.refresh()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    try:
        login(page, admin_user.username, PASSWORD)
        page.goto(f"{page.base_url}/indicators/PROV/?i={IND}")
        page.wait_for_function("window.Chart && Chart.getChart('children-chart')")
        labels = page.evaluate(
            "Chart.getChart('children-chart').scales.y.ticks.map((t) => [].concat(t.label).join('|'))"
        )
        assert len(labels) == 2 and len(set(labels)) == 2, labels
        assert all(len(line) <= 16 for label in labels for line in label.split("|")), labels
        joined = [label.replace("|", " ") for label in labels]
        assert any("Hồng Hải" in label for label in joined), labels
        assert any("Hồng Hà " in label for label in joined), labels
        names = page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)")
        assert sorted(names["children"]["names"]) == sorted(
            [long.format("Hồng Hà"), long.format("Hồng Hải")]
        )
    finally:
        context.close()
