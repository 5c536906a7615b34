"""Benchmark of the organisation tree at national scale.

Builds a tree of ~150,000 units (confederation → 34 provincial federations → upper-level
unions → grassroots unions) in a database of its own, then reports p50/p95 of:
children of a unit (with counts), subtree count, scoped unit search, and moving a
1,000-unit subtree. Run on SQLite (default) and on PostgreSQL:

    .venv/bin/python bench/tree.py                       # SQLite file under /tmp
    .venv/bin/python bench/tree.py --postgres            # postgres://postgres@127.0.0.1:5432/cd_bench_tree
    .venv/bin/python bench/tree.py --units 20000         # smaller tree

Prints a table; copy the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(n: int) -> str:
    digits = []
    for _ in range(4):
        n, r = divmod(n, 36)
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def setup_django(args) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if args.postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/cd_bench_tree"
    else:
        path = Path(tempfile.gettempdir()) / "cd_bench_tree.sqlite3"
        if args.fresh and path.exists():
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    import django

    if args.postgres:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            if args.fresh:
                conn.execute("DROP DATABASE IF EXISTS cd_bench_tree")
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname='cd_bench_tree'"
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE cd_bench_tree")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--units", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--fresh", action="store_true", help="drop and rebuild the benchmark database"
    )
    args = parser.parse_args()
    setup_django(args)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from congdoan.org import queries, services
    from congdoan.org.models import RoleAssignment, Unit

    t0 = time.perf_counter()
    build(args.units)
    build_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE org_unit")
    total = Unit.objects.count()
    rng = random.Random(1)
    uppers = list(Unit.objects.filter(depth=3).order_by("path"))
    provinces = list(Unit.objects.filter(depth=2).order_by("path"))
    User = get_user_model()
    officer, _ = User.objects.get_or_create(username="bench_province_admin")
    RoleAssignment.objects.get_or_create(user=officer, unit=provinces[3], role="administrator")
    root_admin, _ = User.objects.get_or_create(
        username="bench_root", defaults={"is_superuser": True}
    )

    from django.core.cache import cache

    results = []
    results.append(
        (
            "children of a unit (~175, with counts)",
            timed(lambda: queries.children_with_counts(rng.choice(uppers)), args.repeat),
        )
    )

    def cold_province_count():
        cache.clear()
        queries.subtree_count(rng.choice(provinces))

    results.append(
        ("subtree count of a province (~4,400), cold", timed(cold_province_count, args.repeat))
    )
    country = Unit.objects.get(depth=1)

    def cold_country_count():
        cache.clear()
        queries.subtree_count(country)

    results.append(
        (
            "subtree count of the whole country, cold",
            timed(cold_country_count, max(5, args.repeat // 5)),
        )
    )
    results.append(
        (
            "subtree count of the whole country, cached",
            timed(lambda: queries.subtree_count(country), args.repeat),
        )
    )
    terms = ["dong bac", "may mac", "hai dang", "cong ty tnhh go", "sao mai 12"]

    def scoped_search():
        officer.__dict__.pop("_congdoan_scope_cache", None)
        list(queries.search_units(officer, rng.choice(terms)))

    results.append(
        ("scoped unit search (province admin, 50 rows)", timed(scoped_search, args.repeat))
    )

    # A 1,000-unit subtree: an upper union given 999 more grassroots unions.
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
    results.append(("move a 1,000-unit subtree", moves))

    print(f"\nTree benchmark on {connection.vendor}: {total:,} units (built in {build_s:.1f} s)")
    print(f"{'operation':<48} {'p50 ms':>9} {'p95 ms':>9} {'runs':>6}")
    for name, values in results:
        print(
            f"{name:<48} {statistics.median(values):>9.2f} {pct(values, 0.95):>9.2f} {len(values):>6}"
        )


if __name__ == "__main__":
    main()
