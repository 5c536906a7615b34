"""What a member's history says, in the reader's language.

Services store a short English reason on each history row (``services.records.note_change``:
"admitted", "transferred from GR-A1 to GR-B1" …): data, written once, read in either language.
``reason_text`` turns the known ones into the reader's words; anything else is shown as stored
(an officer's own words, an old row).
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext_lazy

_FIXED = {
    "admitted": pgettext_lazy("member history", "Admitted"),
    "updated": pgettext_lazy("member history", "Updated"),
    "left": pgettext_lazy("member history", "Left the union"),
    "suspended": pgettext_lazy("member history", "Suspended"),
    "reinstated": pgettext_lazy("member history", "Reinstated"),
    "transferred out": pgettext_lazy("member history", "Transferred out"),
    "deceased": pgettext_lazy("member history", "Deceased"),
    "demo": pgettext_lazy("member history", "Demo data"),
    "imported": pgettext_lazy("member history", "Imported from a spreadsheet"),
}

_PATTERNS = [
    (
        re.compile(r"transferred from (?P<a>\S+) to (?P<b>\S+)"),
        pgettext_lazy("member history", "Transferred from %(a)s to %(b)s"),
    ),
    (
        re.compile(r"group (?P<a>\S+) merged into (?P<b>\S+)"),
        pgettext_lazy("member history", "Union group %(a)s merged into %(b)s"),
    ),
    (
        re.compile(r"unit (?P<a>\S+) merged into (?P<b>\S+)"),
        pgettext_lazy("member history", "Unit %(a)s merged into %(b)s"),
    ),
    (
        re.compile(r"merged with (?P<a>\S+)"),
        pgettext_lazy("member history", "Merged with record %(a)s"),
    ),
    (
        re.compile(r"merged into (?P<a>\S+)"),
        pgettext_lazy("member history", "Merged into record %(a)s"),
    ),
]


def reason_text(reason: str | None) -> str:
    """The stored reason of a history row in the active language ("" when there is none)."""
    if not reason:
        return ""
    fixed = _FIXED.get(reason)
    if fixed is not None:
        return str(fixed)
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return str(template) % match.groupdict()
    return reason
