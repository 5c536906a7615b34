"""Moving a member between grassroots unions: at once inside the officer's scope, as a
request to the receiving unit's officers outside it; deciding and cancelling requests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.text import normalize_text
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from ..choices import MemberStatus, TransferStatus
from ..models import Member, TransferRequest, tree_key
from .records import note_change
from .validation import check_unique_cccd, check_unit, resolve_unit


@transaction.atomic
def transfer_member(
    actor: User, member: Member, to_unit: Unit, note: str = ""
) -> Member | TransferRequest:
    """Move a member to another grassroots union.

    Inside the actor's scope the move is immediate; outside it, a request waits for an officer
    of the receiving unit (``decide_transfer``).
    """
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    # Scope is checked on the locked row, not on the caller's copy (it may have moved since).
    require_role(actor, member.unit, MEMBER_MANAGERS)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("Only an active member can be transferred."))
    to_unit, group = resolve_unit(to_unit)
    check_unit(to_unit)
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": _("The member is already in this unit.")})
    if has_role_on(actor, to_unit, MEMBER_MANAGERS):
        return _move(
            actor, member, to_unit, group, f"transferred from {member.unit.code} to {to_unit.code}"
        )
    if TransferRequest.objects.filter(member=member, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this member is already waiting for a decision."))
    return TransferRequest.objects.create(
        member=member,
        from_unit=member.unit,
        to_unit=to_unit,
        note=normalize_text(note)[:255],
        requested_by=actor,
    )


def _move(actor: User, member: Member, to_unit: Unit, group: Unit | None, reason: str) -> Member:
    member.unit, member.group = to_unit, group
    member.tree = tree_key(to_unit.path)
    errors: dict = {}
    check_unique_cccd(member, errors, actor)
    if errors:
        raise ValidationError(errors)
    member.version += 1
    note_change(member, actor, reason)
    member.save()
    return member


@transaction.atomic
def decide_transfer(
    actor: User, request: TransferRequest, *, accept: bool, note: str = ""
) -> TransferRequest:
    """The receiving unit's officer accepts (the member moves) or refuses a transfer request."""
    require_role(actor, request.to_unit, MEMBER_MANAGERS)
    request = _pending(request)
    member = Member.objects.select_for_update().get(pk=request.member_id)
    if accept:
        if member.status != MemberStatus.ACTIVE or member.unit_id != request.from_unit_id:
            raise ValidationError(
                _("The member has changed since the request; it can only be refused.")
            )
        check_unit(request.to_unit)
        _move(
            actor,
            member,
            request.to_unit,
            None,
            f"transferred from {request.from_unit.code} to {request.to_unit.code}",
        )
    request.decision_note = normalize_text(note)[:255]
    return _decide(request, actor, TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED)


@transaction.atomic
def cancel_transfer(actor: User, request: TransferRequest) -> TransferRequest:
    """The sending unit's officer withdraws a request that is still waiting."""
    require_role(actor, request.from_unit, MEMBER_MANAGERS)
    return _decide(_pending(request), actor, TransferStatus.CANCELLED)


def cancel_pending_transfers(actor: User, member: Member) -> None:
    """A member who leaves, dies or is merged away is no longer waiting to move."""
    TransferRequest.objects.filter(member=member, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, decided_at=timezone.now(), decided_by=actor
    )


def _pending(request: TransferRequest) -> TransferRequest:
    """``request`` locked, if it still waits for a decision."""
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return request


def _decide(request: TransferRequest, actor: User, status: str) -> TransferRequest:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    return request
