"""Attendance sheets of sessions held offline → attendance, completion inputs and skill records.

A sheet has a header row naming its columns (Vietnamese or English, accents optional):
CCCD (required), session code (or one ``--session`` for the whole sheet), date (default: the
session's first day), and optionally full name, date of birth (checked against the member
record), competence code and step (recorded as an imported skill record). Every row is
checked first; if any row is wrong nothing is written and each problem is reported with its
row number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import cccd as cccd_rules
from congdoan.common.spreadsheets import Sheet, Source, cell_date, cell_text
from congdoan.common.text import fold
from congdoan.common.uploads import UploadRefused
from congdoan.members.models import Member

from . import services
from .models import Competence, FrameworkVersion, TrainingSession

HEADERS = {
    "cccd": {
        "cccd",
        "so cccd",
        "so dinh danh",
        "so dinh danh ca nhan",
        "can cuoc",
        "citizen id",
        "identity number",
    },
    "session": {"ma lop", "ma lop hoc", "ma buoi hoc", "ma buoi", "lop", "session", "session code"},
    "day": {"ngay", "ngay hoc", "ngay diem danh", "date", "day"},
    "name": {"ho va ten", "ho ten", "full name", "name"},
    "dob": {"ngay sinh", "date of birth", "dob"},
    "competence": {"nang luc", "ma nang luc", "competence"},
    "step": {"bac", "step", "muc"},
}


@dataclass
class ImportResult:
    rows: int = 0
    attendance_created: int = 0
    attendance_existing: int = 0
    records_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    session: TrainingSession
    member: Member
    day: datetime.date
    competence: Competence | None
    step: int | None


def _header_map(cells: list) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cells):
        key = fold(cell_text(cell))
        for name, labels in HEADERS.items():
            if key in labels and name not in found:
                found[name] = index
    return found


def import_skill_records(
    actor: User,
    source: Source,
    filename: str,
    *,
    session_code: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    result = ImportResult()
    try:  # past the upload limits: refused before a row is read, like a wrong row
        rows = Sheet(source, filename).rows()
    except UploadRefused as exc:
        result.errors.append((0, exc.message))
        return result
    columns: dict[str, int] = {}
    for _number, cells in rows:
        columns = _header_map(cells)
        if "cccd" in columns:
            break
    if "cccd" not in columns:
        result.errors.append((0, _("No header row with a CCCD column was found.")))
        return result
    if "session" not in columns and not session_code:
        result.errors.append((0, _("The sheet has no session code column: give --session.")))
        return result
    sessions = TrainingSession.objects.visible_to(actor).select_related("unit", "course")
    fixed = sessions.filter(code=session_code).first() if session_code else None
    if session_code and fixed is None:
        result.errors.append((0, _("No session %(code)s in your scope.") % {"code": session_code}))
        return result
    competences = {c.code: c for c in Competence.objects.filter(version=FrameworkVersion.current())}
    members = Member.objects.visible_to(actor).select_related("unit")
    session_cache: dict[str, TrainingSession | None] = {}
    good: list[_Row] = []

    def cell(cells, name):
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    for number, cells in rows:
        if not any(cell_text(c) for c in cells):
            continue
        result.rows += 1
        problems = []
        number_text = cccd_rules.restore(cell(cells, "cccd"))
        member = members.filter(cccd=number_text).first() if len(number_text) == 12 else None
        if len(number_text) != 12:
            problems.append(_("the CCCD must have 12 digits"))
        elif member is None:
            problems.append(
                _("no member with CCCD %(n)s in your scope") % {"n": cccd_rules.mask(number_text)}
            )
        session = fixed
        if session is None:
            code = cell_text(cell(cells, "session"))
            if code not in session_cache:
                session_cache[code] = sessions.filter(code=code).first()
            session = session_cache[code]
            if session is None:
                problems.append(_("no session %(code)s in your scope") % {"code": code or "—"})
        try:
            dob = cell_date(cell(cells, "dob"))
        except ValueError:
            dob = None
            problems.append(_("the date of birth is not a date"))
        if (
            member is not None
            and dob is not None
            and member.date_of_birth
            and dob != member.date_of_birth
        ):
            problems.append(_("the date of birth does not match the member record"))
        try:
            day = cell_date(cell(cells, "day")) or (session.starts_on if session else None)
        except ValueError:
            day = None
            problems.append(_("the date is not a date"))
        if session is not None and session.status in ("closed", "cancelled"):
            problems.append(_("session %(code)s is closed or cancelled") % {"code": session.code})
        if session is not None and member is not None and not services.is_eligible(session, member):
            problems.append(_("the member is neither enrolled nor of the organising unit"))
        if (
            session is not None
            and day is not None
            and not (session.starts_on <= day <= session.ends_on)
        ):
            problems.append(_("the date is outside the session's dates"))
        code = cell_text(cell(cells, "competence"))
        competence, step = None, None
        if code:
            competence = competences.get(code)
            if competence is None:
                problems.append(_("unknown competence %(code)s") % {"code": code})
            step_text = cell_text(cell(cells, "step"))
            if not step_text.isdigit() or not 1 <= int(step_text) <= 8:
                problems.append(_("the step must be a number from 1 to 8"))
            else:
                step = int(step_text)
        if problems:
            result.errors.append((number, "; ".join(problems)))
        else:
            good.append(_Row(number, session, member, day, competence, step))
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            for row in good:
                created, recorded = services.import_attendance_row(
                    actor,
                    session=row.session,
                    member=row.member,
                    day=row.day,
                    competence=row.competence,
                    step=row.step,
                )
                result.attendance_created += created
                result.attendance_existing += not created
                result.records_created += recorded
    except ValidationError as exc:
        result.errors.append((0, " ".join(exc.messages)))
        result.attendance_created = result.attendance_existing = result.records_created = 0
    return result
