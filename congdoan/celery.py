"""Celery application.

In production tasks go to Redis (``CELERY_BROKER_URL``). The embedded default runs tasks
eagerly in the calling process so that ``make run`` needs no extra server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")

app = Celery("congdoan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
