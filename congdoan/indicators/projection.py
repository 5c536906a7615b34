"""Status of a target: reached, on track or behind, by projecting the trend to the deadline."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_POINTS = 2


class Status(models.TextChoices):
    REACHED = "reached", _("Reached")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")


@dataclass(frozen=True)
class Projection:
    status: str
    projected_date: date | None
    slope_per_day: float | None

    @property
    def label(self) -> str:
        return Status(self.status).label


def trend(points: list[tuple[date, float]]) -> float | None:
    """Least-squares slope (value per day) through ``points``; None with fewer than two days."""
    if len({d for d, _v in points}) < MIN_POINTS:
        return None
    origin = points[0][0]
    xs = [(d - origin).days for d, _v in points]
    ys = [v for _d, v in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var


def project(
    current: float | None,
    target: float,
    deadline: date,
    points: list[tuple[date, float]],
    today: date,
) -> Projection:
    """Where the trend of ``points`` reaches ``target`` from ``current`` on ``today``.

    Reached when ``current >= target``; otherwise on track when the straight-line trend reaches
    the target on or before ``deadline``, behind when later, flat, falling or unknown.
    """
    if current is not None and current >= target:
        return Projection(Status.REACHED, None, None)
    slope = trend(points)
    if current is None or slope is None or slope <= 0:
        return Projection(Status.BEHIND, None, slope)
    days = math.ceil((target - current) / slope)
    try:
        projected = today + timedelta(days=days)
    except OverflowError:
        return Projection(Status.BEHIND, None, slope)
    status = Status.ON_TRACK if projected <= deadline else Status.BEHIND
    return Projection(status, projected, slope)
