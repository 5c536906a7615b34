"""Benchmark of the indicator dashboards at national scale, on PostgreSQL.

Builds, in a database of its own (``cd_bench_indicators``), a national tree of ~150,000 units
(confederation → 34 provincial federations → 100 upper-level unions each → 43 grassroots
unions each), ``--members`` members and ``--skill-records`` skill records spread over the
grassroots unions (generated inside PostgreSQL with ``generate_series``), a digital-skills
definition, training sessions and completed enrolments. Then it measures:

- the full refresh (every indicator recomputed from the data, rolled up, differences written),
  the first time and again after one member changed (the "within a minute" path);
- the national, a provincial and an upper-level union dashboard (server time through the
  whole Django stack, with 26 weeks of history in the figures table), the API list and the
  .xlsx export, p50/p95 over ``--runs`` requests;
- the rollup check: every stored figure of the province rebuilt from the raw member rows.

    DATABASE_URL is set by the script:  postgres://postgres@127.0.0.1:5432/cd_bench_indicators
    .venv/bin/python bench/indicators_dashboard.py --members 12000000 --skill-records 30000000
    .venv/bin/python bench/indicators_dashboard.py --fresh --members 2000000   # smaller

Prints a table; copy the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DB = "cd_bench_indicators"
PROVINCES, UPPERS, GRASSROOTS = 34, 100, 43


def step(n: int) -> str:
    digits = []
    for _ in range(4):
        n, r = divmod(n, 36)
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def setup_django(args) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if args.fresh:
            conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [DB]).fetchone():
            conn.execute(f"CREATE DATABASE {DB}")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Plain static names: the manifest storage of DEBUG=0 would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)


def timed(label: str, fn, results: list):
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    results.append((label, f"{seconds:,.1f} s"))
    print(f"  {label}: {seconds:,.1f} s", flush=True)
    return value


def build_tree() -> None:
    from congdoan.org.models import Unit

    if Unit.objects.filter(code="VN").exists():
        return
    rows = [
        Unit(
            code="VN",
            name="Tổng Liên đoàn Lao động Việt Nam",
            name_folded="tong lien doan",
            kind="confederation",
            path=step(1),
            depth=1,
            numchild=PROVINCES,
        )
    ]
    for p in range(1, PROVINCES + 1):
        ppath = step(1) + step(p)
        rows.append(
            Unit(
                code=f"P{p:02d}",
                name=f"Liên đoàn Lao động tỉnh {p:02d}",
                name_folded=f"lien doan {p}",
                kind="provincial_federation",
                path=ppath,
                depth=2,
                numchild=UPPERS,
                province_code=None,
            )
        )
        for u in range(1, UPPERS + 1):
            upath = ppath + step(u)
            rows.append(
                Unit(
                    code=f"P{p:02d}-U{u:03d}",
                    name=f"Công đoàn phường {p:02d}-{u:03d}",
                    name_folded=f"cong doan phuong {p} {u}",
                    kind="commune_union",
                    path=upath,
                    depth=3,
                    numchild=GRASSROOTS,
                )
            )
            for g in range(1, GRASSROOTS + 1):
                rows.append(
                    Unit(
                        code=f"P{p:02d}-U{u:03d}-G{g:02d}",
                        name=f"Công đoàn cơ sở Công ty {p}-{u}-{g}",
                        name_folded=f"cong doan co so {p} {u} {g}",
                        kind="grassroots_union",
                        path=upath + step(g),
                        depth=4,
                        numchild=0,
                        worker_count=100,
                    )
                )
    Unit.objects.bulk_create(rows, batch_size=5000)


def _sql_defaults(model, overrides: dict[str, str]) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for an INSERT … SELECT: overrides, else a neutral value."""
    from django.db import models

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.name in overrides:
            values.append(overrides[field.name])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false")
        elif isinstance(field, models.DateTimeField):
            values.append("now()")
        elif isinstance(field, models.DateField):
            values.append("current_date")
        elif isinstance(field, (models.IntegerField, models.DecimalField)):
            values.append(str(field.default) if isinstance(field.default, int) else "0")
        else:
            values.append("''")
    return columns, values


def insert_series(
    model, count: int, overrides: dict[str, str], chunk: int = 1_000_000, join: str = ""
) -> None:
    from django.db import connection

    columns, values = _sql_defaults(model, overrides)
    table = model._meta.db_table
    done = 0
    while done < count:
        n = min(chunk, count - done)
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                f"FROM generate_series({done + 1}, {done + n}) AS g {join}"
            )
        done += n
        print(f"    {table}: {done:,}/{count:,}", flush=True)


def build_data(members: int, skill_records: int) -> None:
    import datetime

    from django.db import connection

    from congdoan.members.models import Member
    from congdoan.org.models import Unit
    from congdoan.skills.models import (
        Competence,
        Course,
        DigitalSkillsDefinition,
        Enrolment,
        SkillRecord,
        TrainingSession,
    )

    have = Member.objects.count()
    if have < members:
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_grassroots")
            cur.execute(
                "CREATE TABLE bench_grassroots AS SELECT row_number() OVER (ORDER BY id) AS n, id "
                "FROM org_unit WHERE kind='grassroots_union'"
            )
            cur.execute("CREATE UNIQUE INDEX ON bench_grassroots (n)")
        g_count = Unit.objects.filter(kind="grassroots_union").count()
        insert_series(
            Member,
            members - have,
            {
                "full_name": "'Nguyễn Văn ' || g",
                "name_folded": "'nguyen van ' || g",
                "unit": "b.id",
                "tree": "'0001'",
                "card_number": f"'B' || (g + {have})",
                "status": "CASE WHEN g % 20 = 0 THEN 'left' ELSE 'active' END",
                "completeness": "CASE WHEN g % 10 < 7 THEN 100 ELSE 60 END",
                "is_complete": "(g % 10 < 7)",
                "version": "1",
            },
            join=f"JOIN bench_grassroots b ON b.n = 1 + (g % {g_count})",
        )
    comps = list(
        Competence.objects.filter(version__is_current=True)
        .order_by("code")
        .values_list("id", flat=True)
    )
    root = Unit.objects.get(code="VN")
    if not DigitalSkillsDefinition.objects.exists():
        d = DigitalSkillsDefinition.objects.create(
            unit=root, name="Kỹ năng số cơ bản", min_step=2, valid_from=datetime.date(2025, 1, 1)
        )
        d.competences.set(comps[:3])
    first_member = Member.objects.order_by("id").values_list("id", flat=True).first()
    have = SkillRecord.objects.count()
    if have < skill_records:
        comp_array = "ARRAY[" + ",".join(map(str, comps[:6])) + "]"
        # Records go to the first members densely, so that some meet the definition.
        insert_series(
            SkillRecord,
            skill_records - have,
            {
                # Six records per member, one per competence; every other member reaches step 2.
                "member": f"{first_member} + ((g + {have} - 1) / 6) % {members}",
                "competence": f"({comp_array})[1 + (g + {have}) % 6]",
                "step": f"1 + ((g + {have} - 1) / 6) % 2",
                "source": "'attestation'",
                "achieved_on": "DATE '2026-01-01' + (g % 300)",
            },
        )
    if not TrainingSession.objects.exists():
        course = Course.objects.create(
            unit=root, code="B-C1", title="Kỹ năng số cơ bản", target_step=2
        )
        upper_ids = list(Unit.objects.filter(depth=3).values_list("id", flat=True))
        sessions = [
            TrainingSession(
                code=f"B-S{i}",
                course=course,
                unit_id=upper_ids[i % len(upper_ids)],
                starts_on=datetime.date(2026, 1, 5) + timedelta(days=i % 300),
                ends_on=datetime.date(2026, 1, 5) + timedelta(days=i % 300),
                venue="Hội trường",
                status="closed",
                checkin_token=f"b{i}",
            )
            for i in range(20_000)
        ]
        TrainingSession.objects.bulk_create(sessions, batch_size=5000)
        s0 = TrainingSession.objects.order_by("id").values_list("id", flat=True).first()
        insert_series(
            Enrolment,
            min(1_000_000, members // 10),
            {
                "session": f"{s0} + g % 20000",
                "member": f"{first_member} + (g * 7) % {members}",
                "status": "'completed'",
                "source": "'officer'",
                "completed_on": "DATE '2026-01-05' + (g % 300)",
            },
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def measure(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--skill-records", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--weeks", type=int, default=8, help="weeks of invented history in the figures"
    )
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    setup_django(args)

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.utils import timezone

    from congdoan.common.demo import DemoContext
    from congdoan.indicators import demo, registry, snapshots
    from congdoan.indicators.models import Figure
    from congdoan.members.models import Member
    from congdoan.org.models import Unit

    results: list[tuple[str, str]] = []
    print("building data …", flush=True)
    timed("tree (bulk insert)", build_tree, results)
    timed(
        "members, skill records, sessions (generate_series)",
        lambda: build_data(args.members, args.skill_records),
        results,
    )
    units = Unit.objects.count()
    members = Member.objects.count()
    from congdoan.skills.models import SkillRecord

    records = SkillRecord.objects.count()
    print(f"units {units:,} · members {members:,} · skill records {records:,}", flush=True)

    today = timezone.localdate()
    print("refresh …", flush=True)
    per_indicator = {}
    for indicator in registry.all_indicators():
        started = time.perf_counter()
        written = snapshots.refresh(today, [indicator.code])[indicator.code]
        per_indicator[indicator.code] = (time.perf_counter() - started, written)
        print(
            f"  {indicator.code}: {per_indicator[indicator.code][0]:.1f} s, {written:,} rows",
            flush=True,
        )
    results.append(
        (
            "first full refresh (all indicators)",
            f"{sum(t for t, _ in per_indicator.values()):,.1f} s",
        )
    )
    for code, (seconds, written) in per_indicator.items():
        results.append((f"  {code}", f"{seconds:,.1f} s ({written:,} rows)"))
    if not Figure.objects.filter(valid_from__lt=today).exists():
        timed(
            f"invent {args.weeks} weeks of history (demo.py)",
            lambda: demo._invent_history(today, DemoContext({}, sys.stdout), args.weeks),
            results,
        )
    results.append(("figures table rows", f"{Figure.objects.count():,}"))

    # The once-a-minute job: a full recompute, then incremental runs after one member moved.
    started = time.perf_counter()
    snapshots.refresh(today)
    results.append(
        ("steady-state full refresh (all indicators)", f"{time.perf_counter() - started:,.1f} s")
    )
    m = Member.objects.filter(status="active").order_by("id").first()
    target = (
        Unit.objects.filter(kind="grassroots_union").exclude(pk=m.unit_id).order_by("-id").first()
    )
    m.unit = target
    m.save()
    started = time.perf_counter()
    written = snapshots.refresh(today, incremental=True)
    results.append(
        (
            "one member moved → incremental refresh (all indicators)",
            f"{time.perf_counter() - started:,.1f} s ({sum(written.values())} rows)",
        )
    )
    started = time.perf_counter()
    snapshots.refresh(today, incremental=True)
    results.append(
        ("incremental refresh, nothing changed", f"{time.perf_counter() - started:,.1f} s")
    )

    user, _ = get_user_model().objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    province = Unit.objects.get(code="P07")
    upper = Unit.objects.get(code="P07-U042")
    pages = [
        ("national dashboard (34 children)", "/indicators/VN/?i=skills.meeting_definition"),
        (
            "province dashboard (100 children)",
            f"/indicators/{province.code}/?i=skills.meeting_definition",
        ),
        (
            "upper-level union dashboard (43 children)",
            f"/indicators/{upper.code}/?i=members.complete_data",
        ),
        ("API list, national", "/api/v1/indicators?unit=VN"),
        (
            "API series, province, 180 days",
            f"/api/v1/indicators/members.active/series?unit={province.code}",
        ),
        ("xlsx export, province", f"/indicators/{province.code}/export.xlsx"),
    ]
    for label, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        from django.conf import settings as dj_settings

        dj_settings.DEBUG = True
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
        dj_settings.DEBUG = False
        p50, p95 = measure(lambda url=url: client.get(url), args.runs)
        results.append((label, f"p50 {p50:,.0f} ms · p95 {p95:,.0f} ms · {queries} queries"))
        print(f"  {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries", flush=True)

    # Exactness at scale: the province's stored figures against counts over raw rows.
    started = time.perf_counter()
    children = list(Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1))
    stored = dict(
        Figure.objects.filter(indicator="members.complete_data", unit__in=children + [province])
        .on(today)
        .values_list("unit_id", "numerator")
    )
    mismatches = 0
    for u in [province, *children]:
        raw = Member.objects.filter(
            unit__path__startswith=u.path, status="active", is_complete=True
        ).count()
        mismatches += raw != stored.get(u.pk, 0)
    results.append(
        (
            "rollup check: province + 100 children vs raw rows",
            f"{mismatches} mismatches ({time.perf_counter() - started:,.1f} s)",
        )
    )

    width = max(len(label) for label, _ in results)
    print()
    print(f"{'measure'.ljust(width)}  result")
    print(f"{'-' * width}  ------")
    for label, value in results:
        print(f"{label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
