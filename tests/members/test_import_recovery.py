"""Import jobs record what each committed batch wrote, in the batch's own transaction; a job whose
worker died (its heartbeat stopped) is marked interrupted with the rows committed, and running it
again completes it without duplicates."""

from __future__ import annotations

import contextlib
import datetime
import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from congdoan.members import importing
from congdoan.members.choices import ImportStatus
from congdoan.members.importing import jobs
from congdoan.members.models import ImportJob, Member

from .test_import import _people, run, xlsx_bytes


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no handler catches it."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def later(seconds_past_timeout: int = 1) -> datetime.datetime:
    from django.conf import settings

    return timezone.now() + datetime.timedelta(
        seconds=settings.IMPORT_HEARTBEAT_TIMEOUT + seconds_past_timeout
    )


def dies_in_third_batch(monkeypatch, batch_size: int = 2):
    """The worker dies while writing its third batch: the first two are committed."""
    monkeypatch.setattr(importing.run, "BATCH_SIZE", batch_size)
    original = importing.Importer._write
    calls = {"n": 0}

    def write(self, rows):
        calls["n"] += 1
        original(self, rows)
        if calls["n"] == 3:
            raise Killed

    monkeypatch.setattr(importing.Importer, "_write", write)
    return original


def test_counters_are_committed_with_each_batch(tree, officer_a, monkeypatch):
    """When batch k is being written, the job already shows the k-1 batches before it."""
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 2)
    original = importing.Importer._write
    seen = []

    def write(self, rows):
        job = ImportJob.objects.get()
        seen.append((job.progress, job.created, job.heartbeat_at is not None))
        original(self, rows)

    monkeypatch.setattr(importing.Importer, "_write", write)
    job = run(officer_a, tree.gr_a1, xlsx_bytes(_people(6)), dry_run=False)
    assert seen == [(0, 0, True), (2, 2, True), (4, 4, True)]
    assert (job.status, job.progress, job.created) == (ImportStatus.DONE, 6, 6)


def test_a_dead_worker_leaves_the_committed_counts(tree, officer_a, monkeypatch):
    dies_in_third_batch(monkeypatch)
    with pytest.raises(Killed):
        run(officer_a, tree.gr_a1, xlsx_bytes(_people(6)), dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.RUNNING  # nobody was left to say otherwise
    assert (job.progress, job.created, Member.objects.count()) == (4, 4, 4)


def test_a_failed_batch_leaves_the_counts_of_those_before(tree, officer_a, monkeypatch):
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 2)
    original = importing.Importer._write

    def write(self, rows):
        original(self, rows)
        if Member.objects.count() == 4:
            raise RuntimeError("disk full")

    monkeypatch.setattr(importing.Importer, "_write", write)
    with pytest.raises(RuntimeError):  # not the file's fault: raised on after the job says so
        run(officer_a, tree.gr_a1, xlsx_bytes(_people(6)), dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert (job.progress, job.created, Member.objects.count()) == (2, 2, 2)


def test_a_stale_running_job_is_marked_interrupted_with_what_was_committed(tree, officer_a):
    stale = ImportJob.objects.create(
        unit=tree.gr_a1,
        created_by=officer_a,
        original_name="ds.xlsx",
        dry_run=False,
        status=ImportStatus.RUNNING,
        total=16000,
        progress=15958,
        created=15900,
        updated=58,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    alive = ImportJob.objects.create(
        unit=tree.gr_a1,
        created_by=officer_a,
        original_name="other.xlsx",
        dry_run=False,
        status=ImportStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    with translation.override("en"):
        assert jobs.recover_stale_jobs() == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert alive.status == ImportStatus.RUNNING
    assert stale.status == ImportStatus.INTERRUPTED and stale.interrupted_at is not None
    assert stale.finished and stale.finished_at is not None
    assert "15,958 rows" in stale.message and "15,900 added" in stale.message
    assert "58 updated" in stale.message and "none is added twice" in stale.message
    assert jobs.recover_stale_jobs() == 0  # once


def test_the_interruption_message_is_vietnamese(tree, officer_a):
    job = ImportJob.objects.create(
        unit=tree.gr_a1,
        created_by=officer_a,
        original_name="ds.xlsx",
        dry_run=False,
        status=ImportStatus.RUNNING,
        progress=15958,
        created=15958,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    with translation.override("vi"):
        jobs.recover_stale_jobs()
    job.refresh_from_db()
    assert "15.958 dòng" in job.message and "không dòng nào bị thêm hai lần" in job.message


def test_a_queued_job_of_the_embedded_runner_that_never_started_is_interrupted(
    tree, officer_a, settings
):
    settings.REDIS_URL = ""
    job = ImportJob.objects.create(
        unit=tree.gr_a1, created_by=officer_a, original_name="ds.xlsx", dry_run=True
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert jobs.recover_stale_jobs() == 1
    settings.REDIS_URL = "redis://localhost:6379/0"  # a Celery queue keeps its jobs: left alone
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    assert jobs.recover_stale_jobs() == 0


def test_the_page_says_so_and_running_again_completes_without_duplicates(
    tree, officer_a, monkeypatch, client_for
):
    original = dies_in_third_batch(monkeypatch)
    data = xlsx_bytes(_people(6))
    with pytest.raises(Killed):
        run(officer_a, tree.gr_a1, data, dry_run=False)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    monkeypatch.setattr(importing.Importer, "_write", original)
    client = client_for(officer_a)
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED  # found when the page was asked for
    assert job.message in page and 'name="resume"' in page
    response = client.post(reverse("members:import_rerun", args=[job.pk]), {"resume": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert (job.created, job.unchanged, job.rejected) == (2, 4, 0)
    assert Member.objects.count() == 6
    assert len(set(Member.objects.values_list("cccd", flat=True))) == 6
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    assert job.interrupted_at is not None and "Lần chạy trước của việc nhập này" in page


def test_listing_jobs_and_the_api_find_interrupted_ones(
    tree, officer_a, client_for, api_client_for
):
    def stale_job():
        return ImportJob.objects.create(
            unit=tree.gr_a1,
            created_by=officer_a,
            original_name="ds.xlsx",
            dry_run=False,
            status=ImportStatus.RUNNING,
            heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
        )

    job = stale_job()
    client_for(officer_a).get(reverse("members:imports"))
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED
    job = stale_job()
    response = api_client_for(officer_a).get(f"/api/v1/members/imports/{job.pk}")
    assert response.json()["status"] == "interrupted"


def test_the_periodic_task_recovers(tree, officer_a):
    from congdoan.members.tasks import recover_interrupted_imports

    job = ImportJob.objects.create(
        unit=tree.gr_a1,
        created_by=officer_a,
        original_name="ds.xlsx",
        status=ImportStatus.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert recover_interrupted_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 3)


@pytest.mark.django_db(transaction=True)
def test_the_pipelined_writer_commits_the_counters_with_its_batches(
    tree, officer_a, small_batches, monkeypatch
):
    """On PostgreSQL the batches are written by a thread on its own connection: the counters go
    into that connection's batch transaction (on SQLite the plain path runs the same test)."""
    original = importing.Importer._apply
    seen = []

    def apply(self, prepared, rows):
        seen.append(ImportJob.objects.values_list("created", flat=True).get())
        original(self, prepared, rows)
        if len(seen) == 3:
            raise Killed

    monkeypatch.setattr(importing.Importer, "_apply", apply)
    with pytest.raises(Killed):
        run(officer_a, tree.gr_a1, xlsx_bytes(_people(10)), dry_run=False)
    job = ImportJob.objects.get()
    assert seen == [0, 3, 6]
    assert (job.status, job.created, Member.objects.count()) == (ImportStatus.RUNNING, 6, 6)
    monkeypatch.setattr(importing.Importer, "_apply", original)
    assert jobs.recover_stale_jobs(now=later()) == 1
    job = importing.rerun_job(
        ImportJob.objects.get(), actor=officer_a, dry_run=False, background=False
    )
    assert (job.status, job.created, job.unchanged) == (ImportStatus.DONE, 4, 6)
    assert Member.objects.count() == 10


# --- a real worker, killed -----------------------------------------------------------------------
# The worker patches ``_apply`` (the database side of a batch, called in its transaction by both
# the plain path and the PostgreSQL BatchWriter thread) to stop in the third batch's transaction.
WORKER = """
import sys, threading, time
import django

django.setup()
from congdoan.members import importing

importing.run.BATCH_SIZE = 5
original = importing.Importer._apply
calls = {"n": 0}


def apply(self, prepared, rows):
    calls["n"] += 1
    original(self, prepared, rows)
    if calls["n"] == 3:  # the third batch is written inside its transaction, not committed
        print("third batch written by", threading.current_thread().name, flush=True)
        time.sleep(600)


importing.Importer._apply = apply
importing.execute_job(int(sys.argv[1]))
"""


@contextlib.contextmanager
def database_for_a_worker(tmp_path: Path):
    """A ``DATABASE_URL`` another process can use holding what the test wrote, and on leaving, what
    that process left visible to the test: the test database itself on PostgreSQL (the test
    commits its rows), a copy in a SQLite file on SQLite (the test database is in memory)."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        yield f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    database = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
    yield f"sqlite:///{database}"
    with sqlite3.connect(database) as copy:
        copy.backup(connection.connection)


def run_and_kill(database_url: str, job_id: int, media: Path, tmp_path: Path) -> str:
    """Runs the job in a worker process and kills it in its third batch; the name of the thread
    that was writing that batch."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="congdoan.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        CONGDOAN_VAR_DIR=str(tmp_path / "var"),
        REDIS_URL="",
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(job_id)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _w, _x = select.select([worker.stdout], [], [], 120)
        line = worker.stdout.readline().strip() if ready else ""
        assert line.startswith("third batch written by "), (
            worker.stderr.read() if worker.poll() is not None else "no answer"
        )
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stdout.close()
        worker.stderr.close()
    return line.rsplit(" ", 1)[-1]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_sigkill_leaves_an_interrupted_job_that_completes(
    tree, officer_a, media, tmp_path
):
    """``execute_job`` in a process of its own (on PostgreSQL with its BatchWriter thread), killed
    with SIGKILL while its third batch is open: two batches stay, with their counts; the recovery
    check marks the job interrupted; running it again completes it without duplicates."""
    job = ImportJob(unit=tree.gr_a1, created_by=officer_a, original_name="ds.xlsx", dry_run=False)
    job.file.save("ds.xlsx", ContentFile(xlsx_bytes(_people(23))), save=False)
    job.save()
    with database_for_a_worker(tmp_path) as database_url:
        writer = run_and_kill(database_url, job.pk, media, tmp_path)
    # On PostgreSQL the batch was open on the BatchWriter's own connection, in its own thread.
    assert writer == ("import-writer" if connection.vendor == "postgresql" else "MainThread")
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert (job.progress, job.created, Member.objects.count()) == (10, 10, 10)
    assert jobs.recover_stale_jobs(now=timezone.now()) == 0  # its heartbeat is still fresh
    assert jobs.recover_stale_jobs(now=later()) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED and job.progress == 10
    job = importing.rerun_job(job, actor=officer_a, dry_run=False, background=False)
    assert (job.status, job.created, job.unchanged) == (ImportStatus.DONE, 13, 10), job.message
    assert Member.objects.count() == 23 and job.interrupted_at is not None
