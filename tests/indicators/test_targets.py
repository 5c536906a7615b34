"""Targets: validation, inheritance down the tree, and status by projecting the trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.indicators import queries, registry, services, snapshots
from congdoan.indicators.models import Target
from congdoan.indicators.projection import Status, project, trend

from .conftest import FEED

D = date(2026, 1, 1)


def test_trend_is_least_squares_slope():
    points = [(D + timedelta(days=i), 10 + 0.5 * i) for i in range(10)]
    assert trend(points) == pytest.approx(0.5)
    assert trend(points[:1]) is None


def test_projection_statuses():
    rising = [(D + timedelta(days=i), 50 + i) for i in range(11)]  # 1 point a day, now 60
    today = D + timedelta(days=10)
    reached = project(60, 60, today, rising, today)
    assert reached.status == Status.REACHED
    on_track = project(60, 80, today + timedelta(days=30), rising, today)
    assert on_track.status == Status.ON_TRACK and on_track.projected_date == today + timedelta(
        days=20
    )
    behind = project(60, 80, today + timedelta(days=10), rising, today)
    assert behind.status == Status.BEHIND and behind.projected_date == today + timedelta(days=20)
    falling = [(d, -v) for d, v in rising]
    assert project(60, 80, today + timedelta(days=300), falling, today) == project(
        60, 80, today, falling, today
    )
    assert project(60, 80, today + timedelta(days=300), falling, today).status == Status.BEHIND
    assert project(60, 80, today + timedelta(days=300), rising[:1], today).projected_date is None


def test_set_target_validates_and_checks_scope(tree, admin_user, officer_b, test_indicators):
    future = timezone.localdate() + timedelta(days=400)
    with pytest.raises(ValidationError) as err:
        services.set_target(admin_user, tree.zone, "test.foreign_workers", 120, future)
    assert "value" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.set_target(admin_user, tree.zone, "test.foreign_workers", 50, date(2020, 1, 1))
    assert "deadline" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.set_target(admin_user, tree.zone, "test.workers", "12.5", future)
    with pytest.raises(OutOfScope):
        services.set_target(officer_b, tree.zone, "test.foreign_workers", 50, future)
    assert not Target.objects.exists()


def test_viewer_cannot_set_targets(tree, test_indicators, client_for):
    from congdoan.org.choices import Role
    from tests.conftest import make_user

    viewer = make_user("viewer", tree.zone, Role.VIEWER)
    with pytest.raises(NotAllowed):
        services.set_target(viewer, tree.zone, "test.foreign_workers", 50, date(2030, 1, 1))
    response = client_for(viewer).post(
        "/indicators/ZONE/test.foreign_workers/targets/", {"value": "50", "deadline": "2030-12-31"}
    )
    assert response.status_code == 403


def test_targets_inherit_down_unless_overridden(tree, admin_user, zone_admin, test_indicators):
    services.set_target(admin_user, tree.prov, "test.foreign_workers", 80, date(2027, 12, 31))
    services.set_target(admin_user, tree.prov, "test.foreign_workers", 100, date(2030, 12, 31))
    services.set_target(admin_user, tree.prov, "test.workers", 5000, date(2030, 12, 31))
    codes = ["test.foreign_workers", "test.workers"]
    at_a1 = queries.effective_targets(tree.gr_a1, codes)
    targets, source = at_a1["test.foreign_workers"]
    assert [float(t.value) for t in targets] == [80, 100] and source.pk == tree.prov.pk
    assert "test.workers" not in at_a1  # count targets stay where they are set
    services.set_target(zone_admin, tree.zone, "test.foreign_workers", 60, date(2027, 12, 31))
    targets, source = queries.effective_targets(tree.gr_a1, codes)["test.foreign_workers"]
    assert [float(t.value) for t in targets] == [60] and source.pk == tree.zone.pk
    targets, source = queries.effective_targets(tree.gr_b1, codes)["test.foreign_workers"]
    assert [float(t.value) for t in targets] == [80, 100]
    targets, source = queries.effective_targets(tree.zone, codes)["test.foreign_workers"]
    assert source is None


def test_card_status_from_stored_series(tree, admin_user, test_indicators):
    today = timezone.localdate()
    for i, share in enumerate([40, 45, 50, 55, 60]):
        FEED["rows"] = [(tree.gr_a1.pk, share, 100)]
        snapshots.refresh(today - timedelta(days=4 - i), ["test.fed"])
    services.set_target(admin_user, tree.prov, "test.fed", 80, today + timedelta(days=2))
    services.set_target(admin_user, tree.prov, "test.fed", 90, today + timedelta(days=100))
    card = queries.card(tree.zone, registry.get("test.fed"), today, today - timedelta(days=30))
    assert card.value == 60
    assert [t.status for t in card.targets] == ["behind", "on_track"]
    assert card.targets[1].projection.projected_date == today + timedelta(days=6)
    assert card.next_target.value == 80
    assert len(card.series) == 5 and card.sparkline


def test_target_form_view(tree, zone_admin, client_for, test_indicators):
    client = client_for(zone_admin)
    response = client.post(
        "/indicators/ZONE/test.foreign_workers/targets/", {"value": "150", "deadline": "2030-12-31"}
    )
    assert response.status_code == 200 and not Target.objects.exists()
    assert "100" in response.content.decode()
    response = client.post(
        "/indicators/ZONE/test.foreign_workers/targets/", {"value": "75", "deadline": "2030-12-31"}
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert target.unit_id == tree.zone.pk and float(target.value) == 75
    response = client.post(f"/indicators/ZONE/targets/{target.pk}/delete/")
    assert response.status_code == 302 and not Target.objects.exists()
