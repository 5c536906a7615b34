"""What every operation of the paperless office leaves behind: a workflow event (who did
what, shown on the document's page) and the reason and author of a history record."""

from __future__ import annotations

from django.db.models import Model

from congdoan.accounts.models import User

from ..models import Document, Event, IncomingEntry


def record_event(
    actor: User | None,
    action: str,
    *,
    document: Document | None = None,
    incoming: IncomingEntry | None = None,
    note: str = "",
) -> Event:
    return Event.objects.create(
        document=document,
        incoming=incoming,
        action=action,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def set_history(obj: Model, actor: User | None, reason: str) -> None:
    """Label the history record the next ``obj.save()`` writes (simple-history)."""
    obj._change_reason = reason
    obj._history_user = actor if getattr(actor, "pk", None) else None
