"""Benchmark of the indicator dashboards at national scale, on PostgreSQL.

Builds, in the run's database (``bench/harness.py``: a new ``cd_bench_indicators_<pid>_<time>``
dropped at the end, or ``--db NAME`` built once and reused, never dropped), a national tree of
~150,000 units (confederation → 34 provincial federations → 100 upper-level unions each → 43
grassroots unions each), ``--members`` members and ``--skill-records`` skill records spread
over the grassroots unions (generated inside PostgreSQL with ``generate_series``), a
digital-skills definition, training sessions and completed enrolments. Then it measures:

- the full refresh (every indicator recomputed from the data, rolled up, differences written),
  the first time and again after one member changed (the "within a minute" path);
- the steady-state refresh of ``members.complete_data`` against the bare query: one SQL
  statement computing the same per-unit figures rolled up the tree (``GROUPING SETS`` on the
  path prefixes, nothing written), interleaved A B A B over ``--refresh-rounds``;
- the national, a provincial and an upper-level union dashboard (server time through the
  whole Django stack, with 26 weeks of history in the figures table), the API list and the
  .xlsx export, p50/p95 over ``--runs`` requests, each interleaved with the same SQL
  statements and parameters the request sent (captured once, outside the timings) replayed
  through psycopg's cursor on the same connection, rows fetched: the ratio is what Django,
  the views and the templates add to the bare SQL;
- the rollup check: every stored figure of the province rebuilt from the raw member rows.

    .venv/bin/python bench/indicators_dashboard.py --db cd_bench_indicators_12m \\
        --members 12000000 --skill-records 30000000        # build once (hours), then reuse
    .venv/bin/python bench/indicators_dashboard.py --members 2000000   # a database of its own
    .venv/bin/python bench/indicators_dashboard.py --members 20000 --skill-records 50000 --runs 5

PostgreSQL only (``--postgres`` is implied). Progress goes to stderr; the table, the machine
and the database are printed at the end; copy the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta

from harness import (
    add_database_options,
    capture_sql,
    interleave,
    machine,
    median,
    percentile,
    print_table,
    progress,
    ratios,
    replay_sql,
    setup_django,
)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PROVINCES, UPPERS, GRASSROOTS = 34, 100, 43
BARE = "same SQL, bare psycopg cursor"


def step(n: int) -> str:
    digits = []
    for _ in range(4):
        n, r = divmod(n, 36)
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def timed(label: str, fn, results: list):
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    results.append([label, f"{seconds:,.1f} s", "—", "—", "—"])
    progress(f"  {label}: {seconds:,.1f} s")
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
        progress(f"    {table}: {done:,}/{count:,}")


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


def bare_rollup_sql() -> str:
    """``members.complete_data`` for every unit in one statement: active members counted per
    unit, then summed on every prefix of the unit's path (one grouping set per tree level)."""
    from congdoan.org.models import Unit

    depth = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    prefixes = [f"substr(u.path, 1, {4 * d})" for d in range(1, depth + 1)]
    return (
        "WITH g AS (SELECT unit_id, count(*) FILTER (WHERE is_complete) AS n, count(*) AS d "
        "FROM members_member WHERE status = 'active' GROUP BY unit_id) "
        f"SELECT {', '.join(prefixes)}, sum(g.n), sum(g.d) "
        "FROM g JOIN org_unit u ON u.id = g.unit_id "
        f"GROUP BY GROUPING SETS ({', '.join(f'({p})' for p in prefixes)})"
    )


def row(label: str, result: str) -> list:
    return [label, result, "—", "—", "—"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--skill-records", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--refresh-rounds",
        type=int,
        default=3,
        help="interleaved rounds of the steady-state refresh and its bare query",
    )
    parser.add_argument(
        "--weeks", type=int, default=8, help="weeks of invented history in the figures"
    )
    add_database_options(parser, "indicators")
    args = parser.parse_args()
    args.postgres = True  # generate_series, COPY-sized data: PostgreSQL only
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
    db = setup_django(
        args,
        {
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver",
        },
    )
    from django.conf import settings

    # Plain static names: the manifest storage of DEBUG=0 would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from congdoan.common.demo import DemoContext
    from congdoan.indicators import demo, registry, snapshots
    from congdoan.indicators.models import Figure
    from congdoan.members.models import Member
    from congdoan.org.models import Unit

    results: list[list] = []
    progress("building data …")
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
    progress(f"units {units:,} · members {members:,} · skill records {records:,}")

    today = timezone.localdate()
    progress("refresh …")
    per_indicator = {}
    for indicator in registry.all_indicators():
        started = time.perf_counter()
        written = snapshots.refresh(today, [indicator.code])[indicator.code]
        per_indicator[indicator.code] = (time.perf_counter() - started, written)
        progress(f"  {indicator.code}: {per_indicator[indicator.code][0]:.1f} s, {written:,} rows")
    results.append(
        row(
            "first full refresh (all indicators)",
            f"{sum(t for t, _ in per_indicator.values()):,.1f} s",
        )
    )
    for code, (seconds, written) in per_indicator.items():
        results.append(row(f"  {code}", f"{seconds:,.1f} s ({written:,} rows)"))
    if not Figure.objects.filter(valid_from__lt=today).exists():
        timed(
            f"invent {args.weeks} weeks of history (demo.py)",
            lambda: demo._invent_history(today, DemoContext({}, sys.stderr), args.weeks),
            results,
        )
    results.append(row("figures table rows", f"{Figure.objects.count():,}"))

    # The once-a-minute job: a full recompute, then incremental runs after one member moved.
    progress("steady-state refresh …")
    started = time.perf_counter()
    snapshots.refresh(today)
    results.append(
        row("steady-state full refresh (all indicators)", f"{time.perf_counter() - started:,.1f} s")
    )

    # One indicator's steady-state refresh against the bare query computing the same figures.
    progress("members.complete_data refresh against the bare rollup query …")
    rollup = bare_rollup_sql()

    def bare_rollup():
        connection.ensure_connection()
        with connection.connection.cursor() as cur:  # psycopg's own cursor
            cur.execute(rollup)
            cur.fetchall()

    timings = interleave(
        {
            "refresh": lambda: snapshots.refresh(today, ["members.complete_data"]),
            "bare": bare_rollup,
        },
        args.refresh_rounds,
    )
    # The bare query must compute what the app stores, or the ratio means nothing.
    with connection.cursor() as cur:
        cur.execute(rollup)
        bare = {next(p for p in r[:-2] if p is not None): (r[-2], r[-1]) for r in cur.fetchall()}
    stored = {
        path: (n, d)
        for path, n, d in Figure.objects.filter(indicator="members.complete_data")
        .on(today)
        .values_list("unit__path", "numerator", "denominator")
    }
    differ = sum(stored.get(path) != value for path, value in bare.items())
    progress(f"  bare rollup: {len(bare):,} units, {differ} differ from the stored figures")
    results.append(
        row(
            "bare rollup query against the stored figures",
            f"{differ} of {len(bare):,} units differ",
        )
    )
    results.append(
        [
            "steady-state refresh, members.complete_data",
            f"{median(timings['refresh']):,.2f} s",
            "one SQL: per-unit counts rolled up by GROUPING SETS, nothing written",
            f"{median(timings['bare']):,.2f} s",
            f"{median(ratios(timings['refresh'], timings['bare'])):,.2f}",
        ]
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
        row(
            "one member moved → incremental refresh (all indicators)",
            f"{time.perf_counter() - started:,.1f} s ({sum(written.values())} rows)",
        )
    )
    started = time.perf_counter()
    snapshots.refresh(today, incremental=True)
    results.append(
        row("incremental refresh, nothing changed", f"{time.perf_counter() - started:,.1f} s")
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
        progress(f"{label} …")
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        statements = capture_sql(lambda url=url: client.get(url))
        timings = interleave(
            {
                "app": lambda url=url: client.get(url),
                "bare": lambda statements=statements: replay_sql(statements),
            },
            args.runs,
        )
        app_ms = [t * 1000 for t in timings["app"]]
        results.append(
            [
                label,
                f"p50 {median(app_ms):,.0f} ms · p95 {percentile(app_ms, 95):,.0f} ms · "
                f"{len(statements)} queries",
                BARE,
                f"p50 {median(timings['bare']) * 1000:,.1f} ms",
                f"{median(ratios(timings['app'], timings['bare'])):,.2f}",
            ]
        )

    # Exactness at scale: the province's stored figures against counts over raw rows.
    progress("rollup check …")
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
        row(
            "rollup check: province + 100 children vs raw rows",
            f"{mismatches} mismatches ({time.perf_counter() - started:,.1f} s)",
        )
    )

    print_table(
        ["measure", "result", "baseline", "baseline result", "× baseline"],
        results,
        title=(
            f"Indicators on PostgreSQL: units {units:,} · members {members:,} · "
            f"skill records {records:,}"
        ),
    )
    print(
        "\nbaselines measured in the same run, interleaved A B A B; × baseline = median of "
        "the per-round time ratios"
    )
    print(f"machine: {machine()}")
    print(f"database: {db.vendor} {db.name}")


if __name__ == "__main__":
    main()
