"""Benchmark: exporting every member of a province to .csv and .xlsx, time and memory peak.

    .venv/bin/python bench/members_export.py [--postgres]

Uses the database ``bench/members_search.py`` built (run that first, with the same
``--postgres`` flag and the size you want). Each export runs in a child process of its own
so that its peak resident memory (``ru_maxrss``) is its own: the CSV as the streamed
response produces it (``exports.csv_chunks``), the .xlsx written by XlsxWriter in
constant-memory mode to a temporary file (``exports.xlsx_file``), as the views do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
NAME = "cd_bench_members_search"


def setup_django(postgres: bool) -> None:
    os.environ["CONGDOAN_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-members-export-")
    if postgres:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{NAME}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / f'{NAME}.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    import django

    django.setup()


def child(fmt: str, postgres: bool) -> None:
    setup_django(postgres)
    from congdoan.members import exports
    from congdoan.members.models import Member
    from congdoan.org.models import Unit

    root = Unit.objects.get(code="LDLD-QN")
    qs = Member.objects.in_subtree(root)
    start = time.perf_counter()
    size = 0
    rows = 0
    if fmt == "csv":
        for chunk in exports.csv_chunks(qs):
            size += len(chunk.encode())
            rows += 1
        rows -= 1
    else:
        handle = exports.xlsx_file(qs)
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.close()
        rows = qs.count()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"format": fmt, "rows": rows, "seconds": seconds, "bytes": size, "peak_mb": peak_mb}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.postgres)
        return
    results = []
    for fmt in ("csv", "xlsx"):
        command = [sys.executable, __file__, "--child", fmt] + (
            ["--postgres"] if args.postgres else []
        )
        output = (
            subprocess.run(command, check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        results.append(json.loads(output))
    print(f"database: {'postgresql' if args.postgres else 'sqlite'}")
    print(
        "| format | rows | seconds | rows/s | file MB | peak RSS MB |\n|---|---:|---:|---:|---:|---:|"
    )
    for r in results:
        print(
            f"| {r['format']} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} | "
            f"{r['bytes'] / 1e6:.1f} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
