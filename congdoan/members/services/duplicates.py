"""Folding a duplicate record of one person into the record that is kept; apps that keep
records on members move theirs through ``hooks.member_merge_handlers``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.text import normalize_text
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.services import require_role

from .. import hooks
from ..choices import MemberStatus
from ..models import Member
from ..queries import can_see_salary
from .records import note_change
from .transfers import cancel_pending_transfers
from .validation import EDITABLE_FIELDS, FINANCE_FIELDS


@transaction.atomic
def merge_duplicates(actor: User, keep: Member, duplicate: Member, reason: str = "") -> Member:
    """Fold ``duplicate`` into ``keep``: blanks of ``keep`` are filled from it, it becomes
    "merged" (never deleted) and both histories stay readable from ``keep``'s page."""
    keep, duplicate = (
        Member.objects.select_for_update().select_related("unit").get(pk=m.pk)
        for m in (keep, duplicate)
    )
    # Scope is checked on the locked rows, not on the caller's copies (they may have moved since).
    require_role(actor, keep.unit, MEMBER_MANAGERS)
    require_role(actor, duplicate.unit, MEMBER_MANAGERS)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if MemberStatus.MERGED in (keep.status, duplicate.status):
        raise ValidationError(_("One of these records is already merged."))
    if keep.cccd and duplicate.cccd and keep.cccd != duplicate.cccd:
        raise ValidationError(
            _("The two records have different citizen identity numbers: they are two people.")
        )
    if keep.tree != duplicate.tree:
        raise ValidationError(_("The two records belong to different organisations."))
    taken_cccd = duplicate.cccd
    if taken_cccd and not keep.cccd:
        # The unique constraint allows one holder: release it from the duplicate first.
        duplicate.cccd = ""
        Member.objects.filter(pk=duplicate.pk).update(cccd="")
    for field in EDITABLE_FIELDS:
        if field in FINANCE_FIELDS and not can_see_salary(actor, keep.unit):
            continue
        ours = getattr(keep, field + "_id" if field == "group" else field)
        theirs = getattr(duplicate, field + "_id" if field == "group" else field)
        if ours in (None, "") and theirs not in (None, "") and field != "group":
            setattr(keep, field, theirs)
            if field == "date_of_birth":  # the date as it is known: maybe only its year
                keep.birth_year_only = duplicate.birth_year_only
    if taken_cccd and not keep.cccd:
        keep.cccd = taken_cccd
        keep.cccd_exception = keep.cccd_exception or duplicate.cccd_exception
        keep.cccd_exception_reason = keep.cccd_exception_reason or duplicate.cccd_exception_reason
    if duplicate.joined_on and (not keep.joined_on or duplicate.joined_on < keep.joined_on):
        keep.joined_on = duplicate.joined_on
    keep.version += 1
    note_change(keep, actor, f"merged with {duplicate.card_number}")
    keep.save()
    duplicate.status = MemberStatus.MERGED
    duplicate.status_since = timezone.localdate()
    duplicate.status_reason = (
        normalize_text(reason) or _("Duplicate of %(card)s") % {"card": keep.card_number}
    )[:255]
    duplicate.merged_into = keep
    duplicate.version += 1
    note_change(duplicate, actor, f"merged into {keep.card_number}")
    duplicate.save()
    cancel_pending_transfers(actor, duplicate)
    for handler in hooks.member_merge_handlers:
        handler(actor, duplicate, keep)
    return keep
