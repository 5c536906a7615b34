"""Operations of the digital skills movement. Each runs in one transaction and checks scope
first (``OutOfScope`` → 404, ``NotAllowed`` → 403); views, the API, commands, the demo and
tests call them as ``services.<operation>``.

A package where DESIGN.md has one ``services.py``: at ~990 lines the module was split by
topic (Zulip's ``actions/<topic>.py``), and this file keeps the one door callers use.

- ``framework``: the competence framework and skills definitions;
- ``catalogue``: courses, materials, the question bank, assessments, campaigns, plans;
- ``training``: sessions, enrolment, completion, skill records, certificates;
- ``attendance``: check-in, the trainer's list, attendance sheets;
- ``attempts``: assessments taken by members.

Reads (progress, attempts left, what a member may join) are in ``skills.queries``.
"""

from .attempts import SUBMIT_GRACE, expire_unsubmitted, score, start_attempt, submit_attempt
from .attendance import (
    CheckInRefused,
    can_mark_attendance,
    check_in,
    check_in_with_identity,
    find_member_for_checkin,
    import_attendance_row,
    is_eligible,
    mark_attendance,
)
from .catalogue import (
    add_material,
    save_assessment,
    save_campaign,
    save_course,
    save_plan,
    save_question,
)
from .framework import (
    DEFINITION_MANAGERS,
    is_framework_admin,
    new_framework_version,
    save_definition,
    update_area,
    update_competence,
)
from .training import (
    CERTIFICATE_MANAGERS,
    attest_skill,
    bulk_enrol,
    can_self_enrol,
    cancel_enrolment,
    close_session,
    enrol_members,
    new_certificate_number,
    revoke_certificate,
    revoke_record,
    save_session,
    self_enrol,
    set_session_status,
)

__all__ = [
    "CERTIFICATE_MANAGERS",
    "DEFINITION_MANAGERS",
    "SUBMIT_GRACE",
    "CheckInRefused",
    "add_material",
    "attest_skill",
    "bulk_enrol",
    "can_mark_attendance",
    "can_self_enrol",
    "cancel_enrolment",
    "check_in",
    "check_in_with_identity",
    "close_session",
    "enrol_members",
    "expire_unsubmitted",
    "find_member_for_checkin",
    "import_attendance_row",
    "is_eligible",
    "is_framework_admin",
    "mark_attendance",
    "new_certificate_number",
    "new_framework_version",
    "revoke_certificate",
    "revoke_record",
    "save_assessment",
    "save_campaign",
    "save_course",
    "save_definition",
    "save_plan",
    "save_question",
    "save_session",
    "score",
    "self_enrol",
    "set_session_status",
    "start_attempt",
    "submit_attempt",
    "update_area",
    "update_competence",
]
