"""Changes to indicators data: targets (by officers, scope-checked) and keeping figures fresh.

Figures themselves are written only by ``snapshots.refresh`` (run by the task in ``tasks``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.org.choices import UNIT_EDITORS
from congdoan.org.models import Unit
from congdoan.org.services import require_role

from . import registry
from .models import RefreshState, Target
from .registry import Indicator, Kind
from .tasks import refresh_indicators

# Figures older than this are recomputed (the "within a minute" promise).
REFRESH_SECONDS = 60
# In the embedded mode a stale dashboard recomputes in the request only when the last full
# refresh was quicker than this; bigger installations run `congdoan refresh-indicators`
# from beat or cron instead of making a reader wait.
INLINE_REFRESH_MAX_MS = 2000


def _indicator(code: str) -> Indicator:
    try:
        return registry.get(code)
    except KeyError as exc:
        raise ValidationError({"indicator": _("Unknown indicator.")}) from exc


def set_target(
    actor: User, unit: Unit, code: str, value: Decimal | float | str, deadline: date, note: str = ""
) -> Target:
    """Set (or change) the target of ``code`` on ``unit`` for ``deadline``."""
    require_role(actor, unit, UNIT_EDITORS)
    indicator = _indicator(code)
    errors = {}
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors["value"] = _("Enter a number.")
    else:
        if not value.is_finite() or value <= 0:
            errors["value"] = _("The target must be greater than zero.")
        elif indicator.kind == Kind.RATIO and value > 100:
            errors["value"] = _("A percentage target cannot exceed 100.")
        elif indicator.kind == Kind.COUNT and value != value.to_integral_value():
            errors["value"] = _("A count target must be a whole number.")
    if not isinstance(deadline, date):
        errors["deadline"] = _("Enter a valid date.")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target, _created = Target.objects.update_or_create(
            indicator=code,
            unit=unit,
            deadline=deadline,
            defaults={"value": value, "note": note.strip()[:255], "created_by": actor},
        )
    return target


def delete_target(actor: User, target: Target) -> None:
    require_role(actor, target.unit, UNIT_EDITORS)
    with transaction.atomic():
        target.delete()


def _states() -> tuple[bool, int]:
    """(stale, last full refresh in ms): one query."""
    codes = [i.code for i in registry.all_indicators()]
    fresh_after = timezone.now() - timedelta(seconds=REFRESH_SECONDS)
    today = timezone.localdate()
    rows = list(
        RefreshState.objects.filter(indicator__in=codes).values_list(
            "refreshed_at", "as_of", "duration_ms"
        )
    )
    fresh = sum(1 for at, as_of, _ms in rows if at and at >= fresh_after and as_of == today)
    return fresh < len(codes), sum(ms for _at, _as_of, ms in rows)


def figures_are_stale() -> bool:
    return _states()[0]


def ensure_fresh() -> None:
    """Ask for a refresh when figures are over a minute old, at most once a minute.

    In production Celery beat refreshes every minute and this only enqueues a catch-up; in the
    embedded mode (tasks run eagerly) it recomputes in the request, which at demo scale takes
    a fraction of a second.
    """
    stale, last_ms = _states()
    if not stale:
        return
    eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    if eager and last_ms > INLINE_REFRESH_MAX_MS:
        return
    if not cache.add("indicators:refresh-requested", 1, REFRESH_SECONDS):
        return
    if eager:
        refresh_indicators()
    else:
        refresh_indicators.delay()
