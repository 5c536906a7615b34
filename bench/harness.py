"""What every benchmark shares: a database of the run's own, flushed progress, baselines
measured in the same run and interleaved with what they are compared to, and the table printed
at the end.

Databases. ``--db NAME`` names the run's database (PostgreSQL with ``--postgres``, otherwise
an SQLite file of that name in the temporary folder): it is created when missing and reused
when present (the scripts build their data only when it is not there yet), and it is never
dropped. Without ``--db`` the run makes a database of its own, ``<prefix>_<pid>_<time>``
(``--db-prefix``, default ``cd_bench_<script>``), and drops it at the end unless ``--keep``.
So two runs never destroy each other's data.

    add_database_options(parser, "members_search")
    args = parser.parse_args()
    db = setup_django(args)          # migrated, DATABASE_URL and CONGDOAN_VAR_DIR set
    ...
    print_table(["step", "p50 ms"], rows)

Interleaving. ``interleave({"A": fn, "B": fn}, rounds)`` runs A B A B … and returns every
timing per label, so a machine that slows down during the run slows both sides alike.
"""

from __future__ import annotations

import argparse
import atexit
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def progress(*parts: object) -> None:
    """A progress line, on stderr, flushed at once (a run piped to ``tee`` shows it live)."""
    print(*parts, file=sys.stderr, flush=True)


def add_database_options(parser: argparse.ArgumentParser, script: str) -> None:
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    parser.add_argument(
        "--db",
        help="the run's database name (created if missing, reused if present, never dropped)",
    )
    parser.add_argument(
        "--db-prefix",
        default=f"cd_bench_{script}",
        help="without --db: a new database <prefix>_<pid>_<time>, dropped at the end",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's own database (printed at the end)"
    )


@dataclass
class Database:
    vendor: str
    name: str
    url: str
    own: bool  # made by this run: dropped at the end unless --keep

    @property
    def psql_url(self) -> str:
        return self.url.replace("postgres://", "postgresql://", 1)


def open_database(args: argparse.Namespace) -> Database:
    """Create (or find) the run's database and point ``DATABASE_URL`` at it."""
    own = not args.db
    name = args.db or f"{args.db_prefix}_{os.getpid()}_{int(time.time())}"
    if args.postgres:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        db = Database("postgresql", name, f"postgres://postgres@127.0.0.1:5432/{name}", own)
    else:
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        db = Database("sqlite", name, f"sqlite:///{path}", own)
    os.environ["DATABASE_URL"] = db.url
    if own and not args.keep:
        atexit.register(drop_database, db)
    return db


def drop_database(db: Database) -> None:
    from django.db import connections

    connections.close_all()
    if db.vendor == "postgresql":
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    else:
        Path(db.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    progress(f"dropped the run's database {db.name}")


def setup_django(args: argparse.Namespace, settings: dict[str, str] | None = None) -> Database:
    """The run's database, a temporary var folder, Django set up and migrated."""
    db = open_database(args)
    os.environ["CONGDOAN_VAR_DIR"] = tempfile.mkdtemp(prefix=f"{args.db_prefix}-")
    for key, value in (settings or {}).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    kept = "kept" if not db.own or args.keep else "dropped at the end"
    progress(f"database: {db.vendor} {db.name} ({kept})")
    return db


def capture_sql(fn) -> list[tuple[str, object, bool]]:
    """The statements (SQL, parameters) that ``fn`` sends through Django, in order."""
    from django.db import connection

    statements: list[tuple[str, object, bool]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    return statements


def replay_sql(statements: list[tuple[str, object, bool]]) -> None:
    """Send ``statements`` through the driver's own cursor (psycopg / sqlite3), every row fetched."""
    from django.db import connection
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    connection.ensure_connection()
    sqlite = connection.vendor == "sqlite"
    cursor = connection.connection.cursor()
    try:
        for sql, params, many in statements:
            if params is None:
                cursor.execute(sql)
                continue
            if sqlite:
                sql = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
    finally:
        cursor.close()


def interleave(steps: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Each step once per round, in order (A B A B …); seconds of every run, per label."""
    timings: dict[str, list[float]] = {label: [] for label in steps}
    for r in range(rounds):
        for label, fn in steps.items():
            start = time.perf_counter()
            fn()
            seconds = time.perf_counter() - start
            timings[label].append(seconds)
            progress(f"  round {r + 1}/{rounds}: {label}: {seconds:.2f} s")
    return timings


def ratios(numerator: list[float], denominator: list[float]) -> list[float]:
    """Round-by-round ratios of two interleaved series."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def machine() -> str:
    """One line: CPU model and count, memory, Python (the database is named beside it)."""
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024**2
    except (OSError, IndexError, ValueError):
        mem = 0
    return f"{cpu} × {os.cpu_count()}, {mem:.0f} GiB, Python {platform.python_version()}"


def print_table(headers: list[str], rows: list[list[object]], title: str = "") -> None:
    """A Markdown table on stdout, numbers right-aligned."""
    out = sys.stdout
    if title:
        out.write(f"\n{title}\n")
    out.write("\n| " + " | ".join(headers) + " |\n")
    aligns = [
        "---:" if rows and isinstance(rows[0][i], int | float) else "---"
        for i in range(len(headers))
    ]
    out.write("|" + "|".join(aligns) + "|\n")
    for row in rows:
        cells = [
            f"{c:,.2f}" if isinstance(c, float) else f"{c:,}" if isinstance(c, int) else str(c)
            for c in row
        ]
        out.write("| " + " | ".join(cells) + " |\n")
    out.flush()
