"""Công Đoàn Số: the digital transformation platform of a provincial Federation of Labour."""

from .celery import app as celery_app

__all__ = ["celery_app"]
