"""A member's status over their membership: leaving, suspension, reinstatement, transfer out of
the organisation, death. ``STATUS_ACTIONS`` is the one table of which action applies from which
status, whether it needs a reason and what it is called; pages and the API read it from here."""

from __future__ import annotations

import datetime
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdoan.accounts.models import User
from congdoan.common.text import normalize_text
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.services import require_role

from ..choices import OPEN_STATUSES, MemberStatus
from ..models import Member
from .records import note_change
from .transfers import cancel_pending_transfers


@dataclass(frozen=True)
class StatusAction:
    """One change of status an officer can record on a member."""

    name: str  # in page URLs and API paths
    title: Promise  # translated when shown
    status: str  # the status it gives
    allowed_from: AbstractSet[str]  # the statuses it applies to
    needs_reason: bool
    history: str  # the reason written in the history record

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_from", frozenset(self.allowed_from))


# In the order the member page lists them.
STATUS_ACTIONS: dict[str, StatusAction] = {
    action.name: action
    for action in (
        StatusAction(
            "leave",
            gettext_lazy("Record leaving the union"),
            status=MemberStatus.LEFT,
            allowed_from=OPEN_STATUSES,
            needs_reason=True,
            history="left",
        ),
        StatusAction(
            "suspend",
            gettext_lazy("Suspend the membership"),
            status=MemberStatus.SUSPENDED,
            allowed_from={MemberStatus.ACTIVE},
            needs_reason=True,
            history="suspended",
        ),
        StatusAction(
            "reinstate",
            gettext_lazy("Reinstate"),
            status=MemberStatus.ACTIVE,
            allowed_from={MemberStatus.SUSPENDED, MemberStatus.LEFT, MemberStatus.TRANSFERRED_OUT},
            needs_reason=False,
            history="reinstated",
        ),
        StatusAction(
            # To an organisation not kept on this platform: the reason says which.
            "transfer-out",
            gettext_lazy("Transfer out of this organisation"),
            status=MemberStatus.TRANSFERRED_OUT,
            allowed_from={MemberStatus.ACTIVE},
            needs_reason=True,
            history="transferred out",
        ),
        StatusAction(
            "death",
            gettext_lazy("Record death"),
            status=MemberStatus.DECEASED,
            allowed_from=OPEN_STATUSES | {MemberStatus.LEFT, MemberStatus.TRANSFERRED_OUT},
            needs_reason=False,
            history="deceased",
        ),
    )
}


def status_actions(member: Member) -> list[StatusAction]:
    """The actions that apply to ``member`` as they are now."""
    return [a for a in STATUS_ACTIONS.values() if member.status in a.allowed_from]


@transaction.atomic
def change_status(
    actor: User,
    member: Member,
    action: str,
    reason: str = "",
    on: datetime.date | None = None,
) -> Member:
    """Record ``action`` (a key of ``STATUS_ACTIONS``) on ``member`` as of ``on`` (today by
    default); pending transfer requests of the member are cancelled."""
    rule = STATUS_ACTIONS[action]
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    # Scope is checked on the locked row, not on the caller's copy (it may have moved since).
    require_role(actor, member.unit, MEMBER_MANAGERS)
    if member.status not in rule.allowed_from:
        raise ValidationError(
            _("Not possible for a member who is %(status)s.")
            % {"status": member.get_status_display().lower()}
        )
    reason = normalize_text(reason)
    if rule.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    member.status, member.status_since, member.status_reason = rule.status, on, reason[:255]
    member.version += 1
    note_change(member, actor, rule.history)
    member.save()
    cancel_pending_transfers(actor, member)
    return member


def leave(actor: User, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    return change_status(actor, member, "leave", reason, on)


def transfer_out(
    actor: User, member: Member, destination: str, on: datetime.date | None = None
) -> Member:
    """The member moved to an organisation not kept on this platform."""
    return change_status(actor, member, "transfer-out", destination, on)


def suspend(actor: User, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    return change_status(actor, member, "suspend", reason, on)


def reinstate(
    actor: User, member: Member, reason: str = "", on: datetime.date | None = None
) -> Member:
    return change_status(actor, member, "reinstate", reason, on)


def record_death(
    actor: User, member: Member, on: datetime.date | None = None, note: str = ""
) -> Member:
    return change_status(actor, member, "death", note, on)
