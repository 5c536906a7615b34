"""Celery tasks of the member registry (used when ``REDIS_URL`` is set).

Celery's autodiscovery imports each app's ``tasks`` module; the tasks themselves are defined
beside the functions they run (``importing.jobs``), which start them without importing this
module back.
"""

from .importing.jobs import import_members_task, recover_interrupted_imports

__all__ = ["import_members_task", "recover_interrupted_imports"]
