"""Benchmark of the organisation tree at national scale.

Builds a tree of ~150,000 units (confederation → 34 provincial federations → upper-level
unions → grassroots unions) in the run's own database (``bench/harness.py``: a new
``cd_bench_tree_<pid>_<time>`` dropped at the end, or ``--db NAME`` built once and reused),
then reports p50/p95 of: children of a unit (with counts), subtree count, scoped unit search,
and moving a 1,000-unit subtree.

Baseline, measured in the same run: each read is interleaved (A B A B) with the same SQL
statements and parameters it sent (captured once per argument, outside the timings) replayed
through the driver's own cursor (psycopg or sqlite3) on the same connection, rows fetched, no
ORM. The headline is the median of the round-by-round ratios: what Django and the app add to
the bare SQL. The cached count and the move have no bare counterpart.

    .venv/bin/python bench/tree.py                              # SQLite, a database of its own
    .venv/bin/python bench/tree.py --postgres                   # PostgreSQL, likewise
    .venv/bin/python bench/tree.py --postgres --db cd_bench_tree_150k   # build once, reuse
    .venv/bin/python bench/tree.py --units 20000                # smaller tree

Progress goes to stderr; the table, the machine and the database are printed at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import time

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
BARE = "same SQL, bare driver cursor"


def step(n: int) -> str:
    digits = []
    for _ in range(4):
        n, r = divmod(n, 36)
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def build(total: int) -> None:
    from congdoan.org.models import Unit

    if Unit.objects.count() >= total:
        return
    Unit.objects.all().delete()
    rng = random.Random(7)
    rows: list[Unit] = []
    root_path = step(1)
    rows.append(
        Unit(
            path=root_path,
            depth=1,
            numchild=34,
            code="TLD",
            name="Tổng Liên đoàn Lao động Việt Nam",
            name_folded="tong lien doan lao dong viet nam",
            kind="confederation",
        )
    )
    provinces, uppers_per_province = 34, 25
    grassroots_total = total - 1 - provinces - provinces * uppers_per_province
    per_upper = grassroots_total // (provinces * uppers_per_province)
    extra = grassroots_total - per_upper * provinces * uppers_per_province
    words = [
        "Hưng Thịnh",
        "Minh Phát",
        "Đông Bắc",
        "Sao Mai",
        "Hoàng Long",
        "Phú Cường",
        "Thành Công",
        "An Phú",
        "Đại Dương",
        "Hải Đăng",
        "Trường Xuân",
        "Quang Minh",
        "Bạch Đằng",
        "Vân Đồn",
    ]
    trades = ["May mặc", "Cơ khí", "Thủy sản", "Gỗ", "Điện tử", "Giày da", "Thực phẩm", "Logistics"]
    from congdoan.common.text import fold

    code = 0
    for p in range(provinces):
        ppath = root_path + step(p + 1)
        rows.append(
            Unit(
                path=ppath,
                depth=2,
                numchild=uppers_per_province,
                code=f"P{p:02d}",
                name=f"Liên đoàn Lao động tỉnh {p}",
                name_folded=f"lien doan lao dong tinh {p}",
                kind="provincial_federation",
            )
        )
        for u in range(uppers_per_province):
            upath = ppath + step(u + 1)
            n_children = per_upper + (1 if extra > 0 else 0)
            extra -= 1
            rows.append(
                Unit(
                    path=upath,
                    depth=3,
                    numchild=n_children,
                    code=f"P{p:02d}-U{u:02d}",
                    name=f"Công đoàn khu công nghiệp {p}-{u}",
                    name_folded=f"cong doan khu cong nghiep {p} {u}",
                    kind="industrial_zone_union",
                )
            )
            for g in range(n_children):
                code += 1
                name = (
                    f"Công đoàn cơ sở Công ty TNHH {rng.choice(trades)} {rng.choice(words)} {code}"
                )
                rows.append(
                    Unit(
                        path=upath + step(g + 1),
                        depth=4,
                        numchild=0,
                        code=f"G{code:06d}",
                        name=name,
                        name_folded=fold(name),
                        kind="grassroots_union",
                        worker_count=rng.randint(50, 5000),
                    )
                )
    for i in range(0, len(rows), 5000):
        Unit.objects.bulk_create(rows[i : i + 5000])


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def against_bare(label: str, run, choices: list, rounds: int, prepare=None) -> list:
    """``run(arg)`` for ``rounds`` arguments drawn from ``choices``, interleaved with the same
    SQL replayed bare; one row of the table."""
    progress(f"{label} …")
    picked = [choices[i % len(choices)] for i in range(rounds)]
    captured = {}
    for arg in picked:
        if id(arg) not in captured:
            if prepare:
                prepare()
            captured[id(arg)] = capture_sql(lambda arg=arg: run(arg))
            assert captured[id(arg)], f"{label}: no SQL captured, nothing to compare with"
    app_args, bare_args = iter(picked), iter(picked)

    def app():
        if prepare:
            prepare()
        run(next(app_args))

    timings = interleave(
        {"app": app, "bare": lambda: replay_sql(captured[id(next(bare_args))])}, rounds
    )
    ms = [s * 1000 for s in timings["app"]]
    return [
        label,
        median(ms),
        percentile(ms, 95),
        len(ms),
        BARE,
        median(timings["bare"]) * 1000,
        median(ratios(timings["app"], timings["bare"])),
    ]


def alone(label: str, ms: list[float]) -> list:
    return [label, median(ms), percentile(ms, 95), len(ms), "—", "—", "—"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--fresh", action="store_true", help="with --db: delete the units and build them again"
    )
    add_database_options(parser, "tree")
    args = parser.parse_args()
    os.environ["DEBUG"] = "0"  # no query log in the timings
    db = setup_django(
        args,
        {"SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"},
    )
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection

    from congdoan.org import queries, services
    from congdoan.org.models import RoleAssignment, Unit

    if args.fresh:
        Unit.objects.all().delete()
    t0 = time.perf_counter()
    progress(f"building {args.units:,} units …")
    build(args.units)
    build_s = time.perf_counter() - t0
    progress(f"tree ready in {build_s:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE org_unit")
    total = Unit.objects.count()
    rng = random.Random(1)
    uppers = list(Unit.objects.filter(depth=3).order_by("path"))
    provinces = list(Unit.objects.filter(depth=2).order_by("path"))
    rng.shuffle(uppers)
    shuffled_provinces = provinces[:]
    rng.shuffle(shuffled_provinces)
    User = get_user_model()
    officer, _ = User.objects.get_or_create(username="bench_province_admin")
    RoleAssignment.objects.get_or_create(user=officer, unit=provinces[3], role="administrator")
    root_admin, _ = User.objects.get_or_create(
        username="bench_root", defaults={"is_superuser": True}
    )
    country = Unit.objects.get(depth=1)

    results = [
        against_bare(
            "children of a unit (~175, with counts)",
            queries.children_with_counts,
            uppers,
            args.repeat,
        ),
        against_bare(
            "subtree count of a province (~4,400), cold",
            queries.subtree_count,
            shuffled_provinces,
            args.repeat,
            prepare=cache.clear,
        ),
        against_bare(
            "subtree count of the whole country, cold",
            queries.subtree_count,
            [country],
            max(5, args.repeat // 5),
            prepare=cache.clear,
        ),
    ]
    progress("subtree count of the whole country, cached …")
    queries.subtree_count(country)
    results.append(
        alone(
            "subtree count of the whole country, cached",
            timed(lambda: queries.subtree_count(country), args.repeat),
        )
    )
    terms = ["dong bac", "may mac", "hai dang", "cong ty tnhh go", "sao mai 12"]

    def scoped_search(term):
        officer.__dict__.pop("_congdoan_scope_cache", None)
        list(queries.search_units(officer, term))

    results.append(
        against_bare(
            "scoped unit search (province admin, 50 rows)", scoped_search, terms, args.repeat
        )
    )

    # A 1,000-unit subtree: an upper union given 999 more grassroots unions.
    progress("move a 1,000-unit subtree …")
    big = Unit.objects.get(code="P00-U00")
    have = Unit.objects.filter(path__startswith=big.path).count()
    if have < 1000:
        parent = Unit.objects.get(pk=big.pk)
        start = parent.numchild
        rows = [
            Unit(
                path=parent.path + step(start + i + 1),
                depth=4,
                numchild=0,
                code=f"BIG{i:05d}",
                name=f"Công đoàn cơ sở {i}",
                name_folded=f"cong doan co so {i}",
                kind="grassroots_union",
            )
            for i in range(1000 - have)
        ]
        Unit.objects.bulk_create(rows)
        Unit.objects.filter(pk=big.pk).update(numchild=start + len(rows))
    targets = [provinces[10], provinces[0]]
    moves = []
    for i in range(max(4, args.repeat // 10)):
        unit = Unit.objects.get(pk=big.pk)
        t = time.perf_counter()
        services.move_unit(root_admin, unit, Unit.objects.get(pk=targets[i % 2].pk))
        moves.append((time.perf_counter() - t) * 1000)
    results.append(alone("move a 1,000-unit subtree", moves))

    print_table(
        ["operation", "p50 ms", "p95 ms", "runs", "baseline", "baseline p50 ms", "× baseline"],
        results,
        title=(
            f"Tree benchmark on {connection.vendor}: {total:,} units (built in {build_s:.1f} s)"
        ),
    )
    print(
        "\nbaseline: the same SQL statements and parameters (captured once per argument), "
        "replayed through the driver's own cursor on the same connection, rows fetched; "
        "interleaved A B A B; × baseline = median of the per-round ratios"
    )
    print(f"machine: {machine()}")
    print(f"database: {db.vendor} {db.name}")


if __name__ == "__main__":
    main()
