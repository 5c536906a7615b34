"""Benchmark: member import of an N-row .xlsx end to end, against a raw bulk insert.

    .venv/bin/python bench/members_import.py [--rows 100000] [--postgres]

Builds a spreadsheet the way grassroots unions send them (title rows, Vietnamese headers,
identity numbers stored as numbers without their leading zero, dates as text and as date
cells), then times, on a fresh database of its own:

- parse: reading every row with python-calamine;
- dry run: parse, normalise, validate and match, nothing written;
- import: the same plus writing members and their history rows, batch by batch;
- re-import of the same file (every row matched, unchanged);
- raw insert: the same member rows (already prepared) with PostgreSQL COPY / SQLite
  executemany, no history, rolled back — the floor the import is compared with.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django(postgres: bool) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-members-")
    os.environ["CONGDOAN_VAR_DIR"] = tmp
    if postgres:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS cd_bench_members_import")
            conn.execute("CREATE DATABASE cd_bench_members_import")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/cd_bench_members_import"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the import step")
    args = parser.parse_args()
    setup_django(args.postgres)

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from congdoan.common.spreadsheets import read_rows
    from congdoan.members import importing
    from congdoan.members.bulk import insert_members
    from congdoan.members.models import Member
    from tests.conftest import Tree

    tree = Tree()
    actor = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    path = os.path.join(os.environ["CONGDOAN_VAR_DIR"], "members.xlsx")
    t = time.perf_counter()
    make_xlsx(path, args.rows)
    print(
        f"built {args.rows:,}-row xlsx ({os.path.getsize(path) / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s"
    )

    results = []

    def measure(label, fn):
        start = time.perf_counter()
        outcome = fn()
        seconds = time.perf_counter() - start
        results.append((label, seconds, args.rows / seconds, outcome))
        return outcome

    measure("parse (calamine, every cell)", lambda: sum(1 for _ in read_rows(path, "members.xlsx")))
    measure(
        "dry run (parse, normalise, validate, match)",
        lambda: _summary(
            importing.Importer(actor, tree.gr_a1, dry_run=True).run(path, "members.xlsx")
        ),
    )
    # The import into an empty registry, ``--repeat`` times (emptied in between): this machine's
    # timings vary by ±20 % from one run to the next, so the median is reported with the range.
    label = (
        "import as the web page and API run it (upload stored, job, progress; "
        "+ write members and history)"
    )
    runs = []
    for attempt in range(args.repeat):
        if attempt:
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE members_member, members_historicalmember, members_cardsequence, "
                    "members_importjob CASCADE"
                    if connection.vendor == "postgresql"
                    else "DELETE FROM members_historicalmember"
                )
                if connection.vendor != "postgresql":
                    for table in ("members_member", "members_cardsequence", "members_importjob"):
                        cursor.execute(f"DELETE FROM {table}")
        start = time.perf_counter()
        outcome = _job_summary(upload_and_import(actor, tree.gr_a1, path))
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    spread = ", ".join(f"{args.rows / r:,.0f}" for r in runs)
    results.append(
        (
            label,
            median,
            args.rows / median,
            f"{outcome}; median of {len(runs)} runs: {spread} rows/s",
        )
    )
    measure(
        "re-import of the same file, as the command line runs it (all unchanged)",
        lambda: _summary(
            importing.Importer(actor, tree.gr_a1, dry_run=False).run(path, "members.xlsx")
        ),
    )
    assert Member.objects.count() == args.rows

    # The floor: the same rows, already prepared, straight into the table (rolled back).
    rows = list(Member.objects.all())
    for member in rows:
        member.card_number = "R" + member.card_number
        member.cccd = ""
    start = time.perf_counter()
    try:
        with transaction.atomic():
            insert_members(rows, history=False)
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    raw = time.perf_counter() - start
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    results.append((f"raw insert ({method}, no history, no validation)", raw, args.rows / raw, ""))

    imported = results[2][1]  # the median import
    print()
    print(f"database: {connection.vendor}; rows: {args.rows:,}")
    print("| step | seconds | rows/s | result |\n|---|---:|---:|---|")
    for label, seconds, rate, outcome in results:
        print(f"| {label} | {seconds:.2f} | {rate:,.0f} | {outcome} |")
    print(f"\nimport / raw insert time ratio: {imported / raw:.1f}×")


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
