"""Celery tasks of the member registry (used when ``REDIS_URL`` is set)."""

from celery import shared_task


@shared_task(name="members.import")
def import_members_task(job_id: int) -> None:
    from .importing import execute_job

    execute_job(job_id)
