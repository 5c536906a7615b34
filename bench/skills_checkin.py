"""Benchmark of the skills movement: QR check-ins (one by one and in a concurrent burst),
the "has digital skills" query, the unit report and the "leave no one behind" export.

    .venv/bin/python bench/skills_checkin.py [--members 20000] [--burst 500] [--threads 16]

Runs on a throw-away SQLite database in a temporary folder (the PostgreSQL burst is covered
by tests/skills/test_checkin_burst.py).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="bench-skills-")
os.environ["CONGDOAN_VAR_DIR"] = TMP
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from congdoan.common import cccd
    from congdoan.members.models import Member
    from congdoan.org.choices import UnitKind
    from congdoan.org.models import Unit
    from congdoan.skills import exports, queries, services
    from congdoan.skills.choices import CheckInMethod, RecordSource
    from congdoan.skills.models import (
        Attendance,
        Competence,
        Course,
        DigitalSkillsDefinition,
        SkillRecord,
        TrainingSession,
    )

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
    comps = {c.code: c for c in Competence.objects.filter(version__is_current=True)}
    definition = DigitalSkillsDefinition.objects.create(
        unit=root, name="Cơ bản", valid_from=datetime.date(2025, 1, 1)
    )
    definition.competences.set([comps["1.1"], comps["2.3"], comps["4.2"]])
    ids = list(Member.objects.values_list("pk", flat=True))
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
    today = timezone.localdate()
    course = Course.objects.create(unit=root, code="X", title="Kỹ năng số cơ bản")

    def new_session(code):
        return TrainingSession.objects.create(
            code=code,
            course=course,
            unit=zone,
            starts_on=today,
            ends_on=today,
            venue="Hội trường",
            status="open",
        )

    rows = []
    # 1. sequential check-ins
    session = new_session("SEQ")
    members = list(Member.objects.select_related("unit").order_by("pk")[: args.burst])
    start = time.perf_counter()
    for m in members:
        services.check_in(session, m, method=CheckInMethod.QR_ACCOUNT)
    seq = time.perf_counter() - start
    rows.append(("check-in one by one", f"{args.burst / seq:.0f} /s", ""))
    # 2. concurrent burst, with duplicates
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
        (
            f"burst of {len(calls)} ({args.threads} threads)",
            f"{burst:.2f} s",
            f"{created} created, {stored} stored, {len(set(calls))} distinct",
        )
    )
    # 3. queries
    definition = DigitalSkillsDefinition.objects.prefetch_related("competences").get(
        pk=definition.pk
    )
    for label, fn in [
        ("members_meeting count (all)", lambda: queries.members_meeting(definition, today).count()),
        (
            "members_meeting count (one CĐCS)",
            lambda: queries.members_meeting(
                definition, today, Member.objects.filter(unit=units[0])
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
        times = []
        for _ in range(3):
            start = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - start)
        rows.append((label, f"{min(times) * 1000:.0f} ms", str(value)))
    print(f"members: {args.members}, skill records: {len(records)}")
    print(f"| {'operation':<40} | {'figure':>10} | note")
    print(f"|{'-' * 42}|{'-' * 12}|------")
    for label, figure, note in rows:
        print(f"| {label:<40} | {figure:>10} | {note}")


if __name__ == "__main__":
    main()
