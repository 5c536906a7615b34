"""Background jobs: the once-a-minute refresh of today's figures (also the daily snapshot)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from congdoan.celery import app

from .snapshots import refresh


@shared_task(name="indicators.refresh")
def refresh_indicators(day: str | None = None) -> dict[str, int]:
    return refresh(date.fromisoformat(day) if day else None, incremental=day is None)


@app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    # Beat runs the (incremental) refresh every 30 s: a change shows within a minute even when
    # a run takes ~10 s at national scale (docs/benchmarks.md).
    sender.add_periodic_task(30.0, refresh_indicators.s(), name="indicators: refresh figures")
