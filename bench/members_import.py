"""Benchmark: member import of an N-row .xlsx end to end, against the bare tools' floor.

    .venv/bin/python bench/members_import.py [--rows 100000] [--rounds 3] [--postgres]
        [--db NAME | --db-prefix PREFIX] [--keep] [--no-cli]

Builds a spreadsheet the way grassroots unions send them (title rows, Vietnamese headers,
identity numbers stored as numbers without their leading zero, dates as text and as date
cells), then, in a database of the run's own (``bench/harness.py``: ``--db`` names one), times
in interleaved rounds (floor, import, command line; floor, import, command line; …):

- the floor: python-calamine reading every row of the same file and ``psql \\copy`` loading
  them into a table of twelve text columns with two indexes (``BareFloor``);
- the import as the page and the API run it: the upload stored, the job, every row parsed,
  normalised, checked and matched, members and their history rows written batch by batch;
- the same through ``congdoan import-members`` in a process of its own (start-up included).

The registry is emptied before each import. The headline is each import's time over the
floor's in the same round. Then, once each: parsing alone, a dry run, and a re-import of the
same file (every row matched, unchanged). Progress goes to stderr; the tables come at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from harness import (
    add_database_options,
    interleave,
    machine,
    median,
    print_table,
    progress,
    ratios,
    setup_django,
)


def make_xlsx(path: str, rows: int, seed: int = 7) -> None:
    import xlsxwriter

    from congdoan.common import cccd
    from congdoan.members.demo import (
        FEMALE_GIVEN,
        FEMALE_MIDDLE,
        JOBS,
        MALE_GIVEN,
        MALE_MIDDLE,
        SURNAMES,
    )

    rng = random.Random(seed)
    surnames = [s for s, _w in SURNAMES]
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Đoàn viên")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "CÔNG ĐOÀN CƠ SỞ CÔNG TY TNHH MAY MẶC ĐÔNG BẮC")
    sheet.write_string(1, 0, "DANH SÁCH ĐOÀN VIÊN")
    headers = [
        "STT",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Số CCCD",
        "Số điện thoại",
        "Dân tộc",
        "Tôn giáo",
        "Trình độ văn hoá",
        "Trình độ chuyên môn",
        "Chức vụ",
        "Ngày vào Công đoàn",
    ]
    for c, h in enumerate(headers):
        sheet.write_string(3, c, h)
    for i in range(rows):
        r = i + 4
        female = rng.random() < 0.56
        gender = "female" if female else "male"
        name = " ".join(
            [
                rng.choice(surnames),
                rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE),
                rng.choice(FEMALE_GIVEN if female else MALE_GIVEN),
            ]
        )
        born = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40))
        province = rng.choice(["022", "030", "031", "034", "036", "038", "040", "001"])
        number = cccd.make(province, gender, born.year, i % 10**6)
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, "Nữ" if female else "Nam")
        if i % 2:
            sheet.write_datetime(
                r, 3, datetime.datetime.combine(born, datetime.time()), date_format
            )
        else:
            sheet.write_string(r, 3, born.strftime("%d/%m/%Y"))
        sheet.write_number(r, 4, int(number))  # Excel drops the leading zero
        sheet.write_string(r, 5, f"09{rng.randrange(10**8):08d}")
        sheet.write_string(r, 6, "Kinh" if rng.random() < 0.9 else "Tày")
        sheet.write_string(r, 7, "Không")
        sheet.write_string(r, 8, "12/12")
        sheet.write_string(
            r, 9, rng.choice(["Đại học", "Cao đẳng", "Trung cấp", "Sơ cấp", "Không"])
        )
        sheet.write_string(r, 10, rng.choice(JOBS))
        sheet.write_string(r, 11, "01/03/2020")
    workbook.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds (floor, import, CLI)"
    )
    parser.add_argument("--no-cli", action="store_true", help="leave the command line out")
    add_database_options(parser, "members_import")
    args = parser.parse_args()
    db = setup_django(args)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from congdoan.common.spreadsheets import read_rows
    from congdoan.members import importing
    from congdoan.members.models import Member
    from tests.conftest import Tree

    empty_registry()
    tree = Tree()
    actor = get_user_model().objects.create_superuser(
        f"bench{os.getpid()}", "bench@example.org", "x"
    )
    path = os.path.join(os.environ["CONGDOAN_VAR_DIR"], "members.xlsx")
    t = time.perf_counter()
    make_xlsx(path, args.rows)
    progress(
        f"built {args.rows:,}-row xlsx ({os.path.getsize(path) / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t:.1f} s"
    )
    floor = BareFloor(db, path)
    outcome = {}

    def web_import():
        empty_registry()
        outcome["import"] = _job_summary(upload_and_import(actor, tree.gr_a1, path))

    def cli_import():
        empty_registry()
        connection.close()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "congdoan"),
                "import-members",
                path,
                "--unit",
                tree.gr_a1.code,
                "--user",
                actor.username,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "congdoan.settings"},
        )

    steps = {"floor": floor.run, "import": web_import}
    if not args.no_cli:
        steps["cli"] = cli_import
    timings = interleave(steps, args.rounds)
    assert Member.objects.count() == args.rows

    single = []

    def measure(label, fn):
        start = time.perf_counter()
        result = fn()
        single.append([label, time.perf_counter() - start, result])

    measure(
        "parse (calamine, every cell)",
        lambda: f"{sum(1 for _ in read_rows(path, 'members.xlsx')):,} rows",
    )
    measure(
        "dry run (parse, normalise, validate, match)",
        lambda: _summary(
            importing.Importer(actor, tree.gr_a1, dry_run=True).run(path, "members.xlsx")
        ),
    )
    measure(
        "re-import of the same file (every row matched, unchanged)",
        lambda: _summary(
            importing.Importer(actor, tree.gr_a1, dry_run=False).run(path, "members.xlsx")
        ),
    )

    print(
        f"\nmachine: {machine()}\ndatabase: {db.vendor} {db.name}; rows: {args.rows:,}; "
        f"rounds: {args.rounds} (interleaved: {' '.join(steps)})"
    )
    print(f"floor: {floor.method}")
    rows = []
    labels = {
        "floor": "floor: calamine reads the file + bulk load into a 2-index table",
        "import": "import as the web page and API run it (upload stored, job, check, match, "
        "members + history written)",
        "cli": "import by the command line (congdoan import-members, a process of its own)",
    }
    for label, seconds in timings.items():
        ratio = ratios(seconds, timings["floor"])
        rows.append(
            [
                labels[label],
                median(seconds),
                f"{args.rows / median(seconds):,.0f}",
                " · ".join(f"{s:.2f}" for s in seconds),
                " · ".join(f"{r:.2f}×" for r in ratio),
                f"{median(ratio):.2f}×",
            ]
        )
    print_table(
        ["step", "median s", "rows/s", "rounds s", "÷ floor per round", "median ratio"], rows
    )
    print(f"result of each import: {outcome['import']}")
    print_table(["single step", "seconds", "result"], single)


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE members_member, members_historicalmember, members_cardsequence, "
                "members_importjob CASCADE"
            )
        else:
            for table in (
                "members_historicalmember",
                "members_member",
                "members_cardsequence",
                "members_importjob",
            ):
                cursor.execute(f"DELETE FROM {table}")


class BareFloor:
    """The bare tools on the same file: python-calamine reads every row of its sheet, the rows
    go to a CSV file, and ``psql \\copy`` loads them into a table of twelve text columns with two
    b-tree indexes (name, identity number), emptied first (SQLite: ``executemany`` into the
    same table in one transaction)."""

    COLUMNS = [f"c{i}" for i in range(12)]

    def __init__(self, db, path: str):
        from django.db import connection

        self.db, self.path = db, path
        self.csv = path + ".floor.csv"
        self.method = (
            "python-calamine (CalamineWorkbook.iter_rows) → csv.writer → psql \\copy "
            "into bench_floor (12 text columns, indexes on c1 and c4), TRUNCATE before"
            if db.vendor == "postgresql"
            else "python-calamine → sqlite3 executemany into bench_floor (12 text columns, "
            "2 indexes), DELETE before"
        )
        columns = ", ".join(f"{c} text" for c in self.COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor")
            cursor.execute(f"CREATE TABLE bench_floor ({columns})")
            cursor.execute("CREATE INDEX bench_floor_name ON bench_floor (c1)")
            cursor.execute("CREATE INDEX bench_floor_cccd ON bench_floor (c4)")

    def rows(self):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(self.path).get_sheet_by_index(0)
        for n, row in enumerate(sheet.iter_rows()):
            if n >= 4:
                yield [str(v) for v in row]

    def run(self) -> None:
        if self.db.vendor == "postgresql":
            with open(self.csv, "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(self.rows())
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    self.db.psql_url,
                    "-c",
                    "TRUNCATE bench_floor",
                    "-c",
                    f"\\copy bench_floor FROM '{self.csv}' CSV",
                ],
                check=True,
            )
        else:
            import sqlite3

            conn = sqlite3.connect(self.db.url.removeprefix("sqlite:///"))
            with conn:
                conn.execute("DELETE FROM bench_floor")
                conn.executemany(
                    f"INSERT INTO bench_floor VALUES ({', '.join('?' * 12)})", self.rows()
                )
            conn.close()


def upload_and_import(actor, unit, path):
    """What the import page and ``POST /api/v1/members/imports`` do with a file, in the request's
    thread (the page hands large files to a thread or Celery, which then runs the same)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congdoan.members import importing

    with open(path, "rb") as handle:
        upload = SimpleUploadedFile("members.xlsx", handle.read())
    return importing.start_job(actor, unit, upload, dry_run=False, background=False)


def _job_summary(job) -> str:
    assert job.status == "done", job.message
    return (
        f"{job.created} new, {job.updated} updated, {job.unchanged} unchanged, "
        f"{job.rejected} rejected"
    )


def _summary(summary) -> str:
    return (
        f"{summary.created} new, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.rejected} rejected"
    )


if __name__ == "__main__":
    main()
