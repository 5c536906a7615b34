"""Celery finds an app's tasks in its ``tasks`` module."""

from .sending import retry_due_task, send_task

__all__ = ["retry_due_task", "send_task"]
