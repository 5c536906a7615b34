"""Benchmark of the skills movement: QR check-ins (one by one and in a concurrent burst),
the "has digital skills" query, the unit report and the "leave no one behind" export.

    .venv/bin/python bench/skills_checkin.py [--members 20000] [--burst 500] [--threads 16]
        [--rounds 3] [--postgres] [--db NAME | --db-prefix P] [--keep]

The run's own database (``bench/harness.py``): without ``--db`` a new SQLite file (or, with
``--postgres``, a PostgreSQL database) ``cd_bench_skills_checkin_<pid>_<time>``, dropped at
the end; with ``--db NAME`` the data is built once and reused, never dropped.

Baselines, measured in the same run and interleaved (A B A B): the one-by-one check-in
against one bare ``INSERT`` of the attendance row per check-in through the driver's cursor
(psycopg or sqlite3, autocommit); each query and the export against the same SQL statements
and parameters it sent (captured once, outside the timings) replayed through the driver's
cursor, rows fetched. The concurrent burst has no bare counterpart. Progress goes to stderr;
the table, the machine and the database are printed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from concurrent.futures import ThreadPoolExecutor

from harness import (
    add_database_options,
    capture_sql,
    interleave,
    machine,
    median,
    print_table,
    progress,
    ratios,
    replay_sql,
    setup_django,
)

BARE = "same SQL, bare driver cursor"


def build(args):
    """The province, 40 grassroots unions, ``--members`` members and their skill records
    (reused when the database already has them)."""
    from congdoan.common import cccd
    from congdoan.members.models import Member
    from congdoan.org.choices import UnitKind
    from congdoan.org.models import Unit
    from congdoan.skills.choices import RecordSource
    from congdoan.skills.models import Competence, DigitalSkillsDefinition, SkillRecord

    root = Unit.objects.filter(code="P", depth=1).first()
    if root is not None:
        zone = Unit.objects.get(code="Z")
        definition = DigitalSkillsDefinition.objects.get(unit=root, name="Cơ bản")
        progress("data reused from the named database")
        return root, zone, definition
    rng = random.Random(7)
    root = Unit.objects.add_root(
        instance=Unit(code="P", name="Liên đoàn Lao động tỉnh", kind=UnitKind.PROVINCIAL_FEDERATION)
    )
    zone = Unit.objects.add_child(
        root, instance=Unit(code="Z", name="Công đoàn KCN", kind=UnitKind.INDUSTRIAL_ZONE_UNION)
    )
    units = [
        Unit.objects.add_child(
            Unit.objects.get(pk=zone.pk),
            instance=Unit(code=f"G{i}", name=f"CĐCS {i}", kind=UnitKind.GRASSROOTS_UNION),
        )
        for i in range(40)
    ]
    people = []
    for i in range(args.members):
        m = Member(
            unit=units[i % len(units)],
            full_name=f"Nguyễn Văn {i}",
            gender="male",
            date_of_birth=datetime.date(1990, 1, 1),
            cccd=cccd.make("022", "male", 1990, 100000 + i),
            card_number=f"C{i:07d}",
        )
        m.prepare()
        people.append(m)
    Member.objects.bulk_create(people, batch_size=2000)
    progress(f"{args.members:,} members")
    comps = {c.code: c for c in Competence.objects.filter(version__is_current=True)}
    definition = DigitalSkillsDefinition.objects.create(
        unit=root, name="Cơ bản", valid_from=datetime.date(2025, 1, 1)
    )
    definition.competences.set([comps["1.1"], comps["2.3"], comps["4.2"]])
    ids = list(Member.objects.filter(unit__in=units).values_list("pk", flat=True))
    records = []
    for pk in ids:
        for code in rng.sample(["1.1", "2.3", "4.2", "2.6", "6.2"], rng.randint(0, 4)):
            records.append(
                SkillRecord(
                    member_id=pk,
                    competence=comps[code],
                    step=rng.randint(1, 3),
                    source=RecordSource.IMPORT,
                    achieved_on=datetime.date(2026, 1, 1),
                )
            )
    SkillRecord.objects.bulk_create(records, batch_size=5000)
    progress(f"{len(records):,} skill records")
    return root, zone, definition


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of each measure and its baseline"
    )
    add_database_options(parser, "skills_checkin")
    args = parser.parse_args()
    db = setup_django(args)

    from django.db import connection, connections
    from django.utils import timezone

    from congdoan.members.models import Member
    from congdoan.skills import exports, queries, services
    from congdoan.skills.choices import CheckInMethod
    from congdoan.skills.models import (
        Attendance,
        Course,
        DigitalSkillsDefinition,
        SkillRecord,
        TrainingSession,
    )

    started = time.perf_counter()
    root, zone, definition = build(args)
    progress(f"data ready in {time.perf_counter() - started:.0f} s")
    in_province = Member.objects.filter(unit__path__startswith=root.path)
    members_total = in_province.count()
    records_total = SkillRecord.objects.filter(member__in=in_province).count()
    first_unit = in_province.select_related("unit").order_by("pk").first().unit
    rng = random.Random(7)
    today = timezone.localdate()
    run = f"{time.time_ns() % 10**12}"  # sessions of this run: a reused database keeps earlier ones
    course, _ = Course.objects.get_or_create(
        unit=root, code="X", defaults={"title": "Kỹ năng số cơ bản"}
    )

    def new_session(code):
        return TrainingSession.objects.create(
            code=f"{code}-{run}",
            course=course,
            unit=zone,
            starts_on=today,
            ends_on=today,
            venue="Hội trường",
            status="open",
        )

    rows = []
    # 1. sequential check-ins, interleaved with one bare INSERT per check-in
    progress("check-in one by one …")
    members = list(in_province.select_related("unit").order_by("pk")[: args.burst])
    app_sessions = iter([new_session(f"SEQ{r}") for r in range(args.rounds)])
    bare_sessions = iter([new_session(f"RAW{r}") for r in range(args.rounds)])
    ph = "?" if connection.vendor == "sqlite" else "%s"
    insert = (
        "INSERT INTO skills_attendance (session_id, member_id, day, method, recorded_by_id, "
        f"recorded_at) VALUES ({ph}, {ph}, {ph}, {ph}, NULL, {ph})"
    )

    def check_in_all():
        session = next(app_sessions)
        for m in members:
            services.check_in(session, m, method=CheckInMethod.QR_ACCOUNT)

    def insert_all():
        session = next(bare_sessions)
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        day = connection.ops.adapt_datefield_value(today)
        for m in members:
            cursor.execute(
                insert,
                [
                    session.pk,
                    m.pk,
                    day,
                    CheckInMethod.QR_ACCOUNT,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )
        cursor.close()

    timings = interleave({"app": check_in_all, "bare": insert_all}, args.rounds)
    n = len(members)
    rows.append(
        [
            "check-in one by one",
            f"{n / median(timings['app']):,.0f} /s",
            "one bare INSERT per check-in",
            f"{n / median(timings['bare']):,.0f} /s",
            median(ratios(timings["app"], timings["bare"])),
            f"{n} check-ins × {args.rounds} rounds",
        ]
    )
    # 2. concurrent burst, with duplicates
    progress(f"burst ({args.threads} threads) …")
    session = new_session("BURST")
    distinct = members[: args.burst - args.burst // 5]
    calls = [m.pk for m in distinct] + [
        m.pk for m in distinct[: args.burst // 5]
    ]  # a fifth scan twice
    rng.shuffle(calls)

    def scan(pk):
        try:
            member = Member.objects.select_related("unit").get(pk=pk)
            return services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)[1]
        finally:
            connections.close_all()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        created = sum(pool.map(scan, calls))
    burst = time.perf_counter() - start
    stored = Attendance.objects.filter(session=session).count()
    rows.append(
        [
            f"burst of {len(calls)} ({args.threads} threads)",
            f"{burst:.2f} s",
            "—",
            "—",
            "—",
            f"{created} created, {stored} stored, {len(set(calls))} distinct",
        ]
    )
    # 3. queries, each interleaved with its own SQL replayed bare
    definition = DigitalSkillsDefinition.objects.prefetch_related("competences").get(
        pk=definition.pk
    )
    for label, fn in [
        ("members_meeting count (all)", lambda: queries.members_meeting(definition, today).count()),
        (
            "members_meeting count (one CĐCS)",
            lambda: queries.members_meeting(
                definition, today, Member.objects.filter(unit=first_unit)
            ).count(),
        ),
        ("unit report (zone)", lambda: queries.unit_report(zone, definition, today)["meeting"]),
        (
            "leave-no-one-behind xlsx (zone)",
            lambda: len(
                b"".join(
                    exports.leave_behind_response(
                        queries.leave_behind(zone, definition, today), "xlsx", zone, today
                    ).streaming_content
                )
            ),
        ),
    ]:
        progress(f"{label} …")
        value = []
        statements = capture_sql(lambda fn=fn, value=value: value.append(fn()))
        assert statements, f"{label}: no SQL captured, nothing to compare with"
        timings = interleave(
            {"app": fn, "bare": lambda statements=statements: replay_sql(statements)},
            args.rounds,
        )
        rows.append(
            [
                label,
                f"{median(timings['app']) * 1000:,.1f} ms",
                BARE,
                f"{median(timings['bare']) * 1000:,.1f} ms",
                median(ratios(timings["app"], timings["bare"])),
                f"{value[0]} ({len(statements)} statements)",
            ]
        )
    print_table(
        ["operation", "figure (p50)", "baseline", "baseline (p50)", "× baseline", "note"],
        rows,
        title=(
            f"Skills on {connection.vendor}: {members_total:,} members, "
            f"{records_total:,} skill records"
        ),
    )
    print(
        "\nbaselines measured in the same run, interleaved A B A B over "
        f"{args.rounds} rounds; × baseline = median of the per-round time ratios"
    )
    print(f"machine: {machine()}")
    print(f"database: {db.vendor} {db.name}")


if __name__ == "__main__":
    main()
