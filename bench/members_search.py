"""Benchmark: accent-insensitive member search inside an officer's scope.

    .venv/bin/python bench/members_search.py [--members 1000000] [--units 2000] [--other N]
        [--copies K] [--postgres] [--keep]

Builds (or, with ``--keep``, reuses) the demo province with ``--units`` grassroots unions and
``--members`` members (``members.demo``: realistic names, history rows included), plus a
second province of the same size so that scope filtering has something to exclude, then
times the search the list page runs (``members.tables.MemberRows``): the first page of 50 rows
(``queries.NameSearchPages``: full-name matches by name, then given-name matches, each read in
index order), the count capped at 1,001 rows (``queries.capped_count``), and for comparison the
exact count of all matches, for a province administrator and for a grassroots officer.
Queries are typed without accents.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time

from harness import add_database_options, progress, setup_django  # noqa: E402

QUERIES = [
    "nguyen van h",
    "tran thi",
    "le van d",
    "pham thi thu",
    "hoang",
    "nguyen thi ngoc a",
    "hai",
    "hoa",
    "dang van",
    "bui thi h",
    "vu duc",
    "ngo thi l",
    "do van t",
    "phan thanh",
    "duong",
    "trang",
    "nguyen minh",
    "le thi hong",
    "ho van",
    "dinh",
]


def build(args) -> None:
    from django.db import connection, transaction

    from congdoan.common.demo import DemoContext
    from congdoan.members import demo as member_demo
    from congdoan.members.models import Member
    from congdoan.org import demo as org_demo
    from congdoan.org.choices import UnitKind
    from congdoan.org.models import Unit

    if Member.objects.count() >= args.members * (1 + args.copies):
        return
    start = time.perf_counter()
    ctx = DemoContext(options={"units": args.units}, stdout=io.StringIO())
    with transaction.atomic():
        org_demo.build(ctx)
    # A sibling province of the same size, outside the first one's scope.
    other = Unit.objects.filter(code="LDLD-OTHER").first() or Unit.objects.add_root(
        instance=Unit(
            code="LDLD-OTHER",
            name="Liên đoàn Lao động tỉnh Khác",
            kind=UnitKind.PROVINCIAL_FEDERATION,
            province_code=22,
        )
    )
    upper = Unit.objects.filter(code="OT-KCN").first() or Unit.objects.add_child(
        other,
        instance=Unit(
            code="OT-KCN",
            name="Công đoàn KCN",
            kind=UnitKind.INDUSTRIAL_ZONE_UNION,
            province_code=22,
        ),
    )
    for n in range(
        Unit.objects.filter(code__startswith="OT-CDCS-").count() + 1, args.units // 4 + 1
    ):
        Unit.objects.add_child(
            Unit.objects.get(pk=upper.pk),
            instance=Unit(
                code=f"OT-CDCS-{n:04d}",
                name=f"CĐCS {n}",
                kind=UnitKind.GRASSROOTS_UNION,
                province_code=22,
                worker_count=500,
            ),
        )
    progress(f"units ready in {time.perf_counter() - start:.0f} s")
    other_count = args.other if args.other is not None else args.members // 2
    for root, count in ((ctx.data["root"], args.members), (other, other_count)):
        sub = DemoContext(options={}, stdout=io.StringIO(), rng=random.Random(root.pk))
        sub.data["root"] = root
        done = Member.objects.filter(tree=root.path[:4]).count()
        while done < count:
            step = min(100_000, count - done)
            with transaction.atomic():
                member_demo.build(sub, count=done + step)
            done += step
            progress(f"  {root.code}: {done:,} members ({time.perf_counter() - start:.0f} s)")
    if args.copies and connection.vendor == "postgresql":
        # 12 million generated one by one would take hours here: the generated members of the
        # province are copied in SQL instead, each copy with new ids and card numbers and no
        # identity number (names, units and every searched column as generated).
        root = ctx.data["root"]
        columns = [
            f.column
            for f in Member._meta.concrete_fields
            if f.column not in ("id", "card_number", "cccd")
        ]
        listed = ", ".join(columns)
        with connection.cursor() as cursor:
            for k in range(1, args.copies + 1):
                cursor.execute(
                    f"INSERT INTO members_member ({listed}, card_number, cccd) "
                    f"SELECT {listed}, card_number || '.' || %s, '' FROM members_member "
                    "WHERE tree = %s AND card_number NOT LIKE '%%.%%'",
                    [k, root.path[:4]],
                )
                progress(
                    f"  copy {k}: +{cursor.rowcount:,} ({time.perf_counter() - start:.0f} s)",
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE members_member")
            cursor.execute("VACUUM ANALYZE org_unit")
    progress(f"data ready in {time.perf_counter() - start:.0f} s")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument(
        "--other", type=int, default=None, help="members of the sibling province (default: half)"
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=0,
        help="PostgreSQL: copies of the province's generated members added in SQL (12 M = 1 M × 12)",
    )
    parser.add_argument("--build-only", action="store_true", help="build the data and stop")
    add_database_options(parser, "members_search")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django(args)
    build(args)
    if args.build_only:
        return

    from django.contrib.auth import get_user_model
    from django.db import connection

    from congdoan.members.models import Member
    from congdoan.members.queries import NameSearchPages, capped_count, name_key
    from congdoan.org.choices import Role
    from congdoan.org.models import RoleAssignment, Unit

    User = get_user_model()
    root = Unit.objects.get(code="LDLD-QN")
    province_admin, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=province_admin, unit=root, role=Role.ADMINISTRATOR)
    big = (
        Member.objects.filter(unit__path__startswith=root.path)
        .values("unit")
        .order_by()
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        .order_by("-n")
        .first()
    )
    grassroots = Unit.objects.get(pk=big["unit"])
    officer, _ = User.objects.get_or_create(username="bench_officer")
    RoleAssignment.objects.get_or_create(user=officer, unit=grassroots, role=Role.OFFICER)

    total = Member.objects.count()
    in_scope = Member.objects.visible_to(province_admin).count()
    print(
        f"\ndatabase: {connection.vendor}; members: {total:,} ({in_scope:,} in the province); "
        f"grassroots officer's unit: {big['n']:,} members"
    )

    rows = []
    for label, user in (
        ("province administrator", province_admin),
        ("grassroots officer", officer),
    ):
        for what in (
            "first page (50, index order)",
            "count, capped at 1,001",
            "exact count of matches",
        ):
            timings = []
            for _ in range(args.repeat):
                for text in QUERIES:
                    fresh = User.objects.get(
                        pk=user.pk
                    )  # the scope is read per request, as in a view
                    start = time.perf_counter()
                    scoped = Member.objects.visible_to(fresh).select_related("unit")
                    qs = scoped.search(text)
                    if what.startswith("first"):
                        NameSearchPages(scoped, name_key(text)).slice(0, 50)
                    elif what.startswith("count"):
                        capped_count(qs)
                    else:
                        qs.count()
                    timings.append((time.perf_counter() - start) * 1000)
            rows.append(
                (label, what, statistics.median(timings), percentile(timings, 95), max(timings))
            )
    print("| scope | query | p50 ms | p95 ms | max ms |\n|---|---|---:|---:|---:|")
    for label, what, p50, p95, worst in rows:
        print(f"| {label} | {what} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
