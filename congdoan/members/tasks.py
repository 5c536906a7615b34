"""Celery tasks of the member registry (used when ``REDIS_URL`` is set)."""

from celery import shared_task


@shared_task(name="members.import")
def import_members_task(job_id: int) -> None:
    from .importing import execute_job

    execute_job(job_id)


@shared_task(name="members.recover_imports")
def recover_interrupted_imports() -> int:
    """Run every minute by Celery beat (``CELERY_BEAT_SCHEDULE``): jobs whose worker died."""
    from .jobs import recover_stale_jobs

    return recover_stale_jobs()
