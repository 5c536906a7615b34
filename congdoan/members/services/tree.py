"""What happens to members when the organisation tree changes: called by
``org.services.merge_units`` inside its transaction (registered in ``apps.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit

from ..models import Member, tree_key
from .records import note_change
from .validation import cccd_owner


def move_members_of_merged_unit(actor: User, source: Unit, target: Unit) -> None:
    """Called by ``org.services.merge_units`` inside its transaction."""
    if source.kind == UnitKind.UNION_GROUP:
        if target.kind == UnitKind.UNION_GROUP:
            new_unit = Unit.objects.get_parent(target)
            members = Member.objects.filter(group=source)
            _bulk_move(
                actor, members, new_unit, target, f"group {source.code} merged into {target.code}"
            )
        else:
            _bulk_move(
                actor,
                Member.objects.filter(group=source),
                target,
                None,
                f"group {source.code} merged into {target.code}",
            )
        return
    members = Member.objects.filter(unit=source)
    if not members.exists():
        return
    if target.kind == UnitKind.UNION_GROUP:
        new_unit, group = Unit.objects.get_parent(target), target
    else:
        new_unit, group = target, None
    # Union groups of the source moved under the target with their members: keep the group.
    _bulk_move(
        actor,
        members.filter(group__isnull=True),
        new_unit,
        group,
        f"unit {source.code} merged into {target.code}",
    )
    _bulk_move(
        actor,
        members.filter(group__isnull=False),
        new_unit,
        None,
        f"unit {source.code} merged into {target.code}",
        keep_group=True,
    )


def _bulk_move(
    actor: User,
    members: QuerySet[Member],
    unit: Unit,
    group: Unit | None,
    reason: str,
    keep_group: bool = False,
) -> None:
    tree = tree_key(unit.path)
    for member in members.select_for_update().iterator(chunk_size=2000):
        member.unit = unit
        if not keep_group:
            member.group = group
        if member.tree != tree:
            member.tree = tree
            if member.cccd and cccd_owner(tree, member.cccd, member.pk):
                raise ValidationError(
                    _(
                        "Member %(card)s has the same citizen identity number as a member "
                        "of the target organisation; merge the two records first."
                    )
                    % {"card": member.card_number}
                )
        member.version += 1
        note_change(member, actor, reason)
        try:
            member.save()
        except IntegrityError as exc:  # pragma: no cover - guarded above
            raise ValidationError(str(exc)) from exc
