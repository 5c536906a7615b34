"""Import jobs: starting one (the file checked against the upload limits and stored), running
it inline, in a thread or on a Celery worker, and the bookkeeping that survives a dead worker.

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
import itertools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import uploads
from congdoan.common.db import analyze_after_commit
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.common.spreadsheets import Sheet, UnreadableFile, cell_text, check_file, read_rows
from congdoan.common.uploads import count_text
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.models import Unit
from congdoan.org.services import require_role

from ..choices import ImportStatus
from ..models import ImportJob, Member
from ..services import check_unit, resolve_unit
from .columns import column_titles, detect_in
from .run import Importer

logger = logging.getLogger(__name__)

SYNC_LIMIT_BYTES = 256 * 1024  # smaller files are imported within the request
# An import that adds this many members refreshes the planner's statistics when it ends.
ANALYZE_AFTER_CREATED = 5000

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


def mark_running(job_id: int) -> None:
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


# --- running ------------------------------------------------------------------------------------
def start_job(
    actor: User,
    unit: Unit,
    upload: UploadedFile,
    *,
    dry_run: bool,
    mapping: dict | None = None,
    header_row: int | None = None,
    background: bool | None = None,
) -> ImportJob:
    """Check the file against the upload limits, store it, create the job and run it (in the
    background for large files). A refused file is a ``ValidationError`` on ``file``, and
    nothing is stored."""
    require_role(actor, unit, MEMBER_MANAGERS)
    check_unit(resolve_unit(unit)[0])
    try:
        check_file(upload, upload.name)
    except (uploads.UploadRefused, UnreadableFile) as exc:
        raise ValidationError({"file": str(exc)}) from exc
    job = ImportJob(
        unit=unit,
        created_by=actor,
        original_name=upload.name[:255],
        dry_run=dry_run,
        mapping=mapping or {},
        header_row=header_row,
        heartbeat_at=timezone.now(),
        committed_by=None if dry_run else actor,
    )
    with uploads.removed_on_failure() as stored:
        job.file.save(upload.name, upload, save=False)
        stored(job.file)
        job.save()
    return _run_and_reload(job, getattr(upload, "size", 0) or 0, background)


def rerun_job(
    job: ImportJob,
    *,
    actor: User,
    dry_run: bool,
    mapping: dict | None = None,
    header_row: int | None = None,
    background: bool | None = None,
) -> ImportJob:
    """Run a checked job again: with a corrected mapping, or for real (``dry_run=False``); or an
    interrupted one, which completes it (``interrupted_at`` is kept, for the job page).

    ``actor`` is the officer asking: a real run writes in their name (scope checked on them,
    history naming them), whoever uploaded the file and checked it first."""
    require_role(actor, job.unit, MEMBER_MANAGERS)
    job.dry_run = dry_run
    if not dry_run:
        job.committed_by = actor
    if mapping is not None:
        job.mapping = mapping
    if header_row is not None:
        job.header_row = header_row
    job.status = ImportStatus.QUEUED
    job.progress = job.created = job.updated = job.unchanged = job.rejected = job.total = 0
    job.errors = []
    job.report = {}
    job.message = ""
    job.heartbeat_at, job.finished_at = timezone.now(), None
    job.save()
    return _run_and_reload(job, job.file.size if job.file else 0, background)


def _run_and_reload(job: ImportJob, size: int, background: bool | None) -> ImportJob:
    """Run ``job``, in the background when asked or, unless told, when its file is large; the
    job as it is afterwards (finished when it ran here)."""
    run_job(job, background=size > SYNC_LIMIT_BYTES if background is None else background)
    job.refresh_from_db()
    return job


def run_job(job: ImportJob, *, background: bool) -> None:
    """Run ``job`` now, or once its row is committed: on a Celery worker when Redis is set up,
    else in a thread of this process (the embedded default)."""
    if not background:
        execute_job(job.pk)
        return
    if getattr(settings, "REDIS_URL", ""):
        transaction.on_commit(lambda: import_members_task.delay(job.pk))
        return

    # The embedded default: a thread of this process, started once the job row is committed.
    def target():
        close_old_connections()
        try:
            execute_job(job.pk)
        finally:
            close_old_connections()

    transaction.on_commit(
        lambda: threading.Thread(target=target, daemon=True, name=f"import-{job.pk}").start()
    )


def execute_job(job_id: int, language: str | None = None) -> None:
    """Run ``job_id`` here and record its outcome on the job; a failure is a message on the job
    (and a logged traceback when it is not the file's or the officer's fault), never half a batch."""
    job = ImportJob.objects.select_related("unit", "created_by", "committed_by").get(pk=job_id)
    mark_running(job.pk)
    actor = job_actor(job)

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                sheet = Sheet(handle, job.original_name)  # read once, for all that follows
            touch(job.pk)  # loading a large workbook takes seconds
            rows = sheet.rows()
            if not job.header_row:
                head: list = []
                detected = detect_in(rows, head)
                rows = itertools.chain(head, rows)
                job.header_row, job.mapping = detected.header_row, detected.mapping
                ImportJob.objects.filter(pk=job.pk).update(
                    header_row=detected.header_row, mapping=detected.mapping
                )
            total = max(0, sheet.row_count - job.header_row)
            touch(job.pk, total=total)
            job.total = total
            mapping = {k: int(v) for k, v in job.mapping.items()} if job.mapping else None
            importer = Importer(
                actor,
                job.unit,
                dry_run=job.dry_run,
                mapping=mapping,
                header_row=job.header_row,
                on_batch=batch_recorder(job.pk),
            )
            summary = importer.run_rows(rows, expected_rows=total)
        except uploads.UploadRefused as exc:  # past a limit seen only once the file is opened
            job.file.delete(save=False)  # a refused file is not kept
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message=exc.message, file="", finished_at=timezone.now()
            )
            return
        except (OutOfScope, NotAllowed):
            # The officer's role was taken away (or the unit left their scope) between the
            # upload and the run: the checks in ``Importer`` refuse before anything is written.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                message=role_lost_message(job),
                finished_at=timezone.now(),
            )
            return
        except (UnreadableFile, ValidationError) as exc:  # the file's fault: said on the job
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message=_error_text(exc), finished_at=timezone.now()
            )
            return
        except Exception:
            # A fault of ours: the job says so without the details (they may hold SQL or data),
            # the batch being written rolled back whole, and the error goes on to be logged and
            # seen (the request's 500, the thread's or the worker's log) rather than swallowed.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                message=_(
                    "The import stopped on an error of the platform (it has been logged). The "
                    "batches already saved stay; run the import again once it is fixed."
                ),
                finished_at=timezone.now(),
            )
            logger.exception("member import %s failed", job.pk)  # a thread has no other log
            raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE,
        header_row=importer.header_row,
        mapping=importer.mapping,
        total=summary.total,
        progress=summary.total,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        errors=summary.errors,
        report=summary.report,
        finished_at=timezone.now(),
    )
    if not job.dry_run and summary.created >= ANALYZE_AFTER_CREATED:
        # Fresh statistics before anyone searches the new members (see common.db); the job
        # is done already: the officer does not wait for them.
        analyze_after_commit([Member, Member.history.model])


def job_actor(job: ImportJob) -> User:
    """Who a run of ``job`` acts for: the officer who started the real run, else the uploader."""
    if not job.dry_run and job.committed_by_id:
        return job.committed_by
    return job.created_by


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def role_lost_message(job: ImportJob) -> str:
    return _(
        "Not run: %(user)s no longer has a role that allows importing members into %(unit)s "
        "(it was changed or removed after the file was uploaded). Nothing was written; an "
        "officer of the unit can upload the file again."
    ) % {
        "user": job_actor(job).get_full_name() or job_actor(job).get_username(),
        "unit": job.unit.name,
    }


def headers_of(job: ImportJob) -> list[str]:
    """The titles of ``job``'s columns as the file has them (for correcting the mapping): the
    header row, and "Ngày sinh (Nam)" / "Ngày sinh (Nữ)" under a merged header with a
    sub-header; none when the file has no header row found or can no longer be read."""
    if not job.header_row:
        return []
    headers: list[str] | None = None
    try:
        with job.file.open("rb") as handle:
            for row_no, cells in read_rows(handle, job.original_name):
                if row_no == job.header_row:
                    headers = [cell_text(c) for c in cells]
                elif headers is not None:
                    return column_titles(headers, cells)
    except (UnreadableFile, OSError):
        return []
    return headers or []


# Celery tasks (used when ``REDIS_URL`` is set), beside the functions they run; ``tasks.py``
# lists them for Celery's autodiscovery.
@shared_task(name="members.import")
def import_members_task(job_id: int) -> None:
    execute_job(job_id)


@shared_task(name="members.recover_imports")
def recover_interrupted_imports() -> int:
    """Run every minute by Celery beat (``CELERY_BEAT_SCHEDULE``): jobs whose worker died."""
    return recover_stale_jobs()
