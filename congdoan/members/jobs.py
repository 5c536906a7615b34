"""The bookkeeping of import jobs: what each committed batch wrote, the heartbeat that says a
worker is alive, and the jobs whose worker died.

A job's counters are updated in the transaction of the batch they count (``batch_recorder``),
on whichever connection writes it (the importing thread, or the ``BatchWriter`` thread on
PostgreSQL), so after a ``kill -9`` the job shows exactly the rows that stayed. A running job
whose heartbeat is older than ``IMPORT_HEARTBEAT_TIMEOUT`` has lost its worker: when jobs are
listed or shown, and every minute under Celery beat, ``recover_stale_jobs`` marks it
interrupted with what was committed. Running it again completes it: the rows already written
come back "unchanged" (matched by identity or card number), none is added twice.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.common.uploads import count_text

from .choices import ImportStatus
from .models import ImportJob

# A row's outcome in the importer → the job's counter.
_COUNTERS = {
    "new": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "rejected": "rejected",
}


def touch(job_id: int, **fields) -> None:
    """The worker is alive (and ``fields`` change): sets the heartbeat."""
    ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)


def start(job_id: int) -> None:
    """The job runs: its counters start from zero, each committed batch adds its own."""
    touch(job_id, status=ImportStatus.RUNNING, progress=0, **dict.fromkeys(_COUNTERS.values(), 0))


def batch_recorder(job_id: int) -> Callable[[Iterable], None]:
    """A callback for ``Importer(on_batch=...)``: adds a batch's rows to the job's counters and
    beats the heart. Called inside the batch's transaction, so the counts commit with the rows
    (or roll back with them)."""

    def record(rows: Iterable) -> None:
        outcomes = Counter(_COUNTERS[row.outcome] for row in rows)
        touch(
            job_id,
            progress=F("progress") + sum(outcomes.values()),
            **{name: F(name) + n for name, n in outcomes.items()},
        )

    return record


def recover_stale_jobs(now: datetime.datetime | None = None) -> int:
    """Mark interrupted the jobs whose worker stopped beating; how many were marked.

    Queued jobs count too in the embedded mode, where the process that queued a job runs it in
    a thread (a restart loses it); a Celery queue keeps its jobs until a worker takes them.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT)
    waiting = [ImportStatus.RUNNING] + ([] if settings.REDIS_URL else [ImportStatus.QUEUED])
    stale = ImportJob.objects.filter(status__in=waiting).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None, created_at__lt=cutoff)
    )
    marked = 0
    for job in stale.only("status", "heartbeat_at", "dry_run", "progress", "created", "updated"):
        # Compare-and-swap on the heartbeat: a worker that beats meanwhile keeps its job.
        marked += ImportJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
        ).update(
            status=ImportStatus.INTERRUPTED,
            interrupted_at=now,
            finished_at=now,
            message=interruption_message(job),
        )
    return marked


def interruption_message(job: ImportJob) -> str:
    if job.dry_run:
        return _(
            "The check stopped before it finished (the server was stopped or restarted); "
            "nothing was written. Run it again."
        )
    return _(
        "The import stopped before it finished (the server was stopped or restarted). The "
        "first %(rows)s rows of the file were processed and saved: %(created)s added, "
        "%(updated)s updated. Run it again to finish: the rows already saved are recognised and "
        "none is added twice."
    ) % {
        "rows": count_text(job.progress),
        "created": count_text(job.created),
        "updated": count_text(job.updated),
    }
