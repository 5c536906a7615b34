"""What every operation of the paperless office leaves behind: a workflow event (who did
what, shown on the document's page) and the reason and author of a history record."""

from __future__ import annotations

import copy
import functools

from django.db.models import FileField, Model

from congdoan.accounts.models import User

from ..models import Document, Event, IncomingEntry


def new_event(
    actor: User | None,
    action: str,
    *,
    document: Document | None = None,
    incoming: IncomingEntry | None = None,
    note: str = "",
) -> Event:
    """An event not yet stored: ``Event.objects.bulk_create`` stores several in one INSERT."""
    return Event(
        document=document,
        incoming=incoming,
        action=action,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def record_event(
    actor: User | None,
    action: str,
    *,
    document: Document | None = None,
    incoming: IncomingEntry | None = None,
    note: str = "",
) -> Event:
    event = new_event(actor, action, document=document, incoming=incoming, note=note)
    event.save()
    return event


def set_history(obj: Model, actor: User | None, reason: str) -> None:
    """Label the history record the next ``obj.save()`` writes (simple-history)."""
    obj._change_reason = reason
    obj._history_user = actor if getattr(actor, "pk", None) else None


def snapshot(obj: Model) -> Model:
    """A copy of ``obj`` as it is now, for a history record written later
    (``save_with_history``): its files' names are copied too, not shared."""
    copied = copy.copy(obj)
    for field in obj._meta.concrete_fields:
        if isinstance(field, FileField):
            setattr(copied, field.attname, getattr(obj, field.attname).name)
    return copied


def save_with_history(obj: Model, *earlier: Model) -> None:
    """Save ``obj`` and write its history record together with those of ``earlier`` states
    of it (copies labelled with ``set_history``, their ``_history_date`` set), in one INSERT
    and in order: the records two saves in a row would have written, for one UPDATE."""
    obj.skip_history_when_saving = True
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving
    _history(type(obj)).bulk_history_create([*earlier, obj], update=True)


@functools.cache
def _history(model: type[Model]):
    """``model.history`` once: simple-history builds a new manager class at every access."""
    return model.history
