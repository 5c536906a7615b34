"""Operations that change member records: admit, update (optimistic locking), transfer, the
status actions (leave, suspend, reinstate, transfer out, death), merge duplicates, and what
members follow when the org tree changes.

Each function runs in one transaction, checks the actor's scope on the record as it is in the
database (``require_role``: 404 out of sight, 403 role too weak) and leaves a history record
naming the actor and the reason. Views, the API, the import, the command line and other apps
all call these, through this package: ``from congdoan.members import services``.

One module a topic (Zulip's ``actions/<topic>.py``): ``validation`` (what a record may hold),
``records`` (admit, update), ``batches`` (many at once: the import), ``transfers``, ``lifecycle``, ``duplicates``, ``tree``. Reads —
the visible record or 404, who may manage or see what — are in ``members.queries``.
"""

from ..access_log import reveal_cccd
from .batches import admit_members_batch, prepare_admissions, update_members_batch
from .duplicates import merge_duplicates
from .lifecycle import (
    STATUS_ACTIONS,
    StatusAction,
    change_status,
    leave,
    record_death,
    reinstate,
    status_actions,
    suspend,
    transfer_out,
)
from .records import (
    EditConflict,
    FieldChange,
    admit_member,
    changes_since,
    note_change,
    reserve_card_numbers,
    update_member,
)
from .transfers import cancel_transfer, decide_transfer, transfer_member
from .tree import move_members_of_merged_unit
from .validation import (
    EDITABLE_FIELDS,
    FINANCE_FIELDS,
    UNIT_KINDS_FOR_MEMBERS,
    cccd_owner,
    check_fields,
    check_unit,
    choice_values,
    clean_fields,
    normalise_fields,
    resolve_unit,
    validate,
)

__all__ = [
    "EDITABLE_FIELDS",
    "FINANCE_FIELDS",
    "STATUS_ACTIONS",
    "UNIT_KINDS_FOR_MEMBERS",
    "EditConflict",
    "FieldChange",
    "StatusAction",
    "admit_member",
    "admit_members_batch",
    "cancel_transfer",
    "cccd_owner",
    "change_status",
    "changes_since",
    "check_fields",
    "check_unit",
    "choice_values",
    "clean_fields",
    "decide_transfer",
    "leave",
    "merge_duplicates",
    "move_members_of_merged_unit",
    "normalise_fields",
    "note_change",
    "prepare_admissions",
    "record_death",
    "reinstate",
    "reserve_card_numbers",
    "resolve_unit",
    "reveal_cccd",
    "status_actions",
    "suspend",
    "transfer_member",
    "transfer_out",
    "update_member",
    "update_members_batch",
    "validate",
]
