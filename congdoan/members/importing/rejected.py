"""The rejected rows of an import handed back as a spreadsheet, as uploaded and with the error
of each, for the officer to fix and upload again.

The rows carry full identity numbers: only an officer who may reveal a number gets them, and
every number in the file is logged as handed out (``access_log``).
"""

from __future__ import annotations

import datetime
import tempfile
from typing import IO

from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.exports import write_xlsx
from congdoan.common.spreadsheets import cell_text, read_rows
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.services import require_role

from .. import access_log
from ..models import ImportJob
from .columns import column_titles


def rejected_rows_file(actor: User, job: ImportJob) -> IO[bytes]:
    """``rejected_rows_xlsx`` of ``job`` in a temporary file (at its start) for ``actor``, who
    must manage the job's unit; each number in it is logged as handed out to them."""
    require_role(actor, job.unit, MEMBER_MANAGERS)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    rejected_rows_xlsx(job, handle)
    handle.seek(0)
    access_log.log_numbers_handed_out(
        actor, (cell for _row, cells in read_rows(handle, "rejected.xlsx") for cell in cells)
    )
    handle.seek(0)
    return handle


def rejected_rows_xlsx(job: ImportJob, target) -> None:
    """The rejected rows of ``job`` with the file's own columns and an error column, to fix and re-upload."""
    messages: dict[int, list[str]] = {}
    for error in job.errors:
        messages.setdefault(error["row"], []).append(
            f"{error.get('column') or error['field']}: {error['message']}"
        )
    with job.file.open("rb") as handle:
        all_rows = list(read_rows(handle, job.original_name))
    header_row = job.header_row or 1
    by_number = dict(all_rows)
    header = column_titles(
        [cell_text(c) for c in by_number.get(header_row, [])], by_number.get(header_row + 1)
    )
    rows = []
    for row_no, cells in all_rows:
        if row_no in messages:
            values = [
                c
                if isinstance(c, datetime.date | int | float) and not isinstance(c, bool)
                else cell_text(c)
                for c in cells
            ]
            values += [""] * (len(header) - len(values))
            rows.append(
                [*values[: max(len(header), len(values))], " · ".join(messages[row_no]), row_no]
            )
    write_xlsx(
        target,
        [(_("Rejected rows"), [*header, _("Error"), _("Row in the original file")], rows)],
        constant_memory=False,
    )
