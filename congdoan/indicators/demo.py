"""Demo indicators: the province's targets, today's figures and half a year of history.

The history is invented (the demo's members and trainings were all created today): weekly
figures over the last 26 weeks, each unit's own figures scaled down towards the past, then
rolled up like real snapshots, so that sparklines, trends and target statuses have something
to show. Idempotent: history is only written when none exists before today.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from congdoan.common.demo import DemoContext
from congdoan.org.models import Unit

from . import registry, snapshots
from .models import Figure, Target

WEEKS = 26

DEMO_TARGETS = [
    (
        "skills.meeting_definition",
        80,
        date(2027, 12, 31),
        "Kế hoạch 01-KH/BCĐTW: 80 % đoàn viên có kỹ năng số",
    ),
    (
        "skills.meeting_definition",
        100,
        date(2030, 12, 31),
        "100 % đoàn viên có kỹ năng số năm 2030",
    ),
    ("members.complete_data", 70, date(2026, 12, 31), "70 % dữ liệu đoàn viên được cập nhật"),
    ("members.complete_data", 90, date(2027, 12, 31), ""),
]


def build(ctx: DemoContext) -> None:
    root = ctx.data.get("root") or Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    for code, value, deadline, note in DEMO_TARGETS:
        try:
            registry.get(code)
        except KeyError:
            continue
        Target.objects.get_or_create(
            indicator=code, unit=root, deadline=deadline, defaults={"value": value, "note": note}
        )
    today = timezone.localdate()
    snapshots.refresh(today)
    if Figure.objects.filter(valid_from__lt=today).exists():
        ctx.log("demo indicators: figures refreshed")
        return
    _invent_history(today, ctx)
    ctx.log(
        f"demo indicators: {len(registry.all_indicators())} indicators, {WEEKS} weeks of history"
    )


def _invent_history(today: date, ctx: DemoContext, weeks: int = WEEKS) -> None:
    paths = snapshots.unit_paths()
    for indicator in registry.all_indicators():
        own = list(
            Figure.objects.filter(indicator=indicator.code)
            .on(today)
            .exclude(own_numerator=0, own_denominator=0)
            .values_list("unit_id", "own_numerator", "own_denominator")
        )
        for week in range(weeks, 0, -1):
            day = today - timedelta(days=7 * week)
            progress = 1 - week / (weeks + 4)  # 13 % … 97 % of the way to today
            rows = []
            for unit_id, num, den in own:
                jitter = 0.9 + 0.2 * ctx.rng.random()
                if indicator.flow:
                    share = (
                        min(1.0, day.timetuple().tm_yday / today.timetuple().tm_yday)
                        if day.year == today.year
                        else 0
                    )
                    rows.append((unit_id, int(num * share * jitter), int(den * share * jitter)))
                elif indicator.is_ratio:
                    # Numerators grow faster than denominators: the shares rise towards today's.
                    base = max(0, den - int(den * (1 - progress) * 0.05))
                    rows.append(
                        (unit_id, min(base, int(num * (0.35 + 0.65 * progress) * jitter)), base)
                    )
                else:
                    rows.append(
                        (
                            unit_id,
                            int(num * (0.9 + 0.1 * progress)),
                            int(den * (0.9 + 0.1 * progress)),
                        )
                    )
            snapshots.apply(indicator.code, day, snapshots.roll_up(rows, paths))
