"""Benchmark: exporting every member of a province to .csv and .xlsx, time and memory peak.

    .venv/bin/python bench/members_export.py --db NAME [--postgres] [--rounds 3]
    .venv/bin/python bench/members_export.py [--postgres] [--members 20000] [--units 200]

``--db NAME`` names the database to export from, typically one that
``bench/members_search.py --db NAME --keep`` built (same ``--postgres`` flag): it is read, never
dropped. If it holds no members of the demo province (``LDLD-QN``), a small set is built in
it first (``--members`` members over ``--units`` grassroots unions, with members_search's
generator). Without ``--db`` the run makes a database of its own
(``cd_bench_members_export_<pid>_<time>``, ``bench/harness.py``), builds that small set in it
and drops it at the end.

Each export runs in a child process of its own so that its peak resident memory
(``VmHWM``, else ``ru_maxrss``) is its own: the CSV as the streamed response produces it
(``exports.csv_chunks``), the .xlsx written by XlsxWriter in constant-memory mode to a
temporary file (``exports.xlsx_file``), as the views do.

Baseline, measured in the same run and interleaved with the CSV (A B A B, ``--rounds``): the
export's own SELECT (same rows, same 25 columns, same join) written as CSV by the database
tool: on PostgreSQL ``COPY (SELECT …) TO STDOUT WITH CSV HEADER`` read through psycopg, on
SQLite the rows read through sqlite3 and written by ``csv.writer``; raw values, so without
the app's labels, masking and date formatting. The headline is the median of the
round-by-round ratios of the CSV export's time to it. The .xlsx runs once. Progress goes to
stderr; the table, the machine and the database are printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from harness import (
    add_database_options,
    interleave,
    machine,
    median,
    open_database,
    print_table,
    progress,
    ratios,
    setup_django,
)

ROOT_CODE = "LDLD-QN"


class Counter:
    """A file-like sink that only counts the bytes written to it."""

    size = 0

    def write(self, text: str) -> None:
        self.size += len(text.encode())


def peak_rss_mb() -> float:
    """This process's own peak resident memory: ``VmHWM`` of its address space. ``ru_maxrss``
    would keep the parent's peak at the fork (Linux carries it over ``execve``)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    # Not harness.setup_django: migrate would load every migration and inflate the peak RSS.
    db = open_database(args)  # the parent's database, named: found, never dropped
    os.environ["CONGDOAN_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-members-export-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    import django

    django.setup()
    from django.db import connection

    from congdoan.members import exports
    from congdoan.members.models import Member
    from congdoan.org.models import Unit

    root = Unit.objects.get(code=ROOT_CODE)
    qs = Member.objects.in_subtree(root)
    size = 0
    rows = 0
    if args.child == "csv":
        start = time.perf_counter()
        for chunk in exports.csv_chunks(qs):
            size += len(chunk.encode())
            rows += 1
        rows -= 1
    elif args.child == "xlsx":
        start = time.perf_counter()
        handle = exports.xlsx_file(qs)
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.close()
        rows = qs.count()
    else:  # the bare tool: the same SELECT, written as CSV by the database or csv.writer
        sql, params = qs.order_by().values_list(*exports.VALUES).query.sql_with_params()
        headers = list(exports.headers())
        if connection.vendor == "postgresql":
            import psycopg

            with psycopg.connect(db.psql_url) as raw:
                cursor = psycopg.ClientCursor(raw)  # COPY takes no server-side parameters
                start = time.perf_counter()
                with cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER", params) as copy:
                    for data in copy:
                        size += len(data)
                        rows += bytes(data).count(b"\n")
            rows -= 1
        else:
            import sqlite3

            from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

            raw = sqlite3.connect(connection.settings_dict["NAME"])
            sink = Counter()
            start = time.perf_counter()
            writer = csv.writer(sink)
            writer.writerow(headers)
            cursor = raw.execute(FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%"), params)
            while batch := cursor.fetchmany(2000):
                writer.writerows(batch)
                rows += len(batch)
            size = sink.size
            raw.close()
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "format": args.child,
                "rows": rows,
                "seconds": seconds,
                "bytes": size,
                "peak_mb": peak_mb,
            }
        )
    )


def build_if_empty(args) -> None:
    """A small province (members_search's generator) when the database has no members in it."""
    from congdoan.members.models import Member
    from congdoan.org.models import Unit

    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is not None and Member.objects.in_subtree(root).exists():
        return
    from members_search import build

    progress(f"no members of {ROOT_CODE} here: building {args.members:,} of them")
    build(
        argparse.Namespace(members=args.members, units=args.units, other=0, copies=0),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--members", type=int, default=20_000, help="members built when the database has none"
    )
    parser.add_argument("--units", type=int, default=200, help="grassroots unions, likewise")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of the CSV and its baseline"
    )
    parser.add_argument("--child", choices=["csv", "xlsx", "bare"], help=argparse.SUPPRESS)
    add_database_options(parser, "members_export")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    db = setup_django(args)
    build_if_empty(args)
    from django.db import connections

    connections.close_all()

    results: dict[str, list[dict]] = {"csv": [], "bare": [], "xlsx": []}

    def run(fmt: str):
        def go() -> None:
            command = [sys.executable, __file__, "--child", fmt, "--db", db.name]
            if args.postgres:
                command.append("--postgres")
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                progress(done.stderr)
                raise SystemExit(f"the {fmt} export failed (exit {done.returncode})")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results[fmt].append(result)
            progress(f"    {fmt}: {result['rows']:,} rows in {result['seconds']:.2f} s")

        return go

    progress("csv export against the bare tool, interleaved …")
    interleave({"csv": run("csv"), "bare": run("bare")}, args.rounds)
    progress("xlsx export …")
    run("xlsx")()

    bare_method = (
        "COPY (same SELECT) TO STDOUT WITH CSV, psycopg"
        if db.vendor == "postgresql"
        else "same SELECT, sqlite3 + csv.writer"
    )
    csv_over_bare = median(
        ratios([r["seconds"] for r in results["csv"]], [r["seconds"] for r in results["bare"]])
    )
    rows = []
    for fmt, label, baseline, ratio in (
        ("csv", "csv (exports.csv_chunks)", bare_method, csv_over_bare),
        ("bare", "baseline: " + bare_method, "—", "—"),
        ("xlsx", "xlsx (exports.xlsx_file)", "—", "—"),
    ):
        runs = results[fmt]
        seconds = median([r["seconds"] for r in runs])
        rows.append(
            [
                label,
                runs[0]["rows"],
                seconds,
                round(runs[0]["rows"] / seconds),
                runs[0]["bytes"] / 1e6,
                max(r["peak_mb"] for r in runs),
                len(runs),
                baseline,
                ratio,
            ]
        )
    print_table(
        [
            "export",
            "rows",
            "seconds (p50)",
            "rows/s",
            "file MB",
            "peak RSS MB",
            "runs",
            "baseline",
            "× baseline",
        ],
        rows,
        title=f"Member export of {ROOT_CODE} on {db.vendor}",
    )
    print(
        f"\nbaseline interleaved with the csv export over {args.rounds} rounds, each export in a "
        "child process of its own; × baseline = median of the per-round time ratios; the "
        "baseline writes raw values (no labels, masking or date formatting)"
    )
    print(f"machine: {machine()}")
    print(f"database: {db.vendor} {db.name}")


if __name__ == "__main__":
    main()
