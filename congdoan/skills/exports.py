"""The "leave no one behind" list (members not yet meeting a digital-skills definition) out as
.csv and .xlsx, written by ``congdoan.common.exports`` so that no name becomes a formula.

A province's list can hold hundreds of thousands of members: the CSV is streamed and the
.xlsx written to a temporary file in constant-memory mode, as the member exports are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse

from congdoan.common.exports import CSV_CONTENT_TYPE, csv_stream, xlsx_file
from congdoan.common.phone import display_phone
from congdoan.org.models import Unit

HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Số thẻ đoàn viên",
    "Điện thoại",
    "Công đoàn cơ sở",
    "Mã đơn vị",
    "Lần học gần nhất",
    "Khoá học gần nhất",
]
SHEET = "Danh sách"
CHUNK = 2000


def rows(members: QuerySet, *, dates_as_text: bool) -> Iterator[list]:
    """One list per member of ``queries.leave_behind(...)``, in the order of ``HEADERS``."""

    def day(value):
        if value is None:
            return ""
        return value.strftime("%d/%m/%Y") if dates_as_text else value

    for m in members.iterator(chunk_size=CHUNK):
        yield [
            m.full_name,
            day(m.date_of_birth),
            m.card_number,
            display_phone(m.phone),
            m.unit.name,
            m.unit.code,
            day(m.last_training_on),
            m.last_training_course or "",
        ]


def leave_behind_csv(members: QuerySet) -> Iterator[str]:
    """CSV text, chunk by chunk, for a streaming response."""
    return csv_stream(HEADERS, rows(members, dates_as_text=True))


def leave_behind_xlsx(members: QuerySet) -> IO[bytes]:
    """A rewound temporary file holding the .xlsx, for ``FileResponse``."""
    return xlsx_file(
        [(SHEET, HEADERS, rows(members, dates_as_text=False))],
        widths={SHEET: [28, 12, 16, 14, 40, 12, 14, 36]},
    )


def leave_behind_response(
    members: QuerySet, fmt: str, unit: Unit, as_of: datetime.date
) -> StreamingHttpResponse:
    """The list as a download: ``fmt`` is ``"csv"`` (streamed) or ``"xlsx"``."""
    name = f"chua-dat-ky-nang-so-{unit.code}-{as_of:%Y%m%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(leave_behind_csv(members), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return FileResponse(leave_behind_xlsx(members), as_attachment=True, filename=f"{name}.xlsx")
