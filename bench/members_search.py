"""Benchmark: accent-insensitive member search inside an officer's scope, over the API.

    .venv/bin/python bench/members_search.py [--members 1000000] [--units 2000] [--other N]
        [--copies K] [--postgres] [--db NAME] [--build-only] [--repeat 7] [--no-http]
        [--explain TEXT]

Builds (or, in a database named with ``--db``, reuses) the demo province with ``--units``
grassroots unions and ``--members`` members (``members.demo``: realistic names, history rows
included), plus a second province so that scope filtering has something to exclude, and on
PostgreSQL ``--copies`` copies of the province's members made in SQL (12 M = 1 M × 12).

Then, for a province administrator and for the officer of the biggest grassroots union, and
for common name prefixes and rare ones (full names of sampled members), typed without
accents, it times, interleaved query by query (A B C A B C …):

- the API list, ``GET /api/v1/members?q=…`` (50 rows, count, next cursor) over HTTP from a
  gunicorn serving the database (``--no-http`` leaves it out);
- the page's SQL: the statements the API and the list page run for it
  (``queries.MemberPages``: the scope's size estimate, the first page, the capped count),
  captured once through Django and replayed through psycopg;
- a bare baseline: the same first page from a plain table ``bench_bare_names (province,
  name_folded COLLATE "C", id)`` with a b-tree on all three (made once in the bench
  database, reused): ``SELECT id … WHERE province=%s AND name_folded LIKE 'key%' ORDER BY
  name_folded, id LIMIT 50``, what any engine needs at least for such a page.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from harness import (  # noqa: E402
    add_database_options,
    machine,
    median,
    percentile,
    print_table,
    progress,
    setup_django,
)

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


# Searched by the API table besides QUERIES: the commonest prefixes.
COMMON = ["nguyen", "hoa", "tran thi"]
BARE = "bench_bare_names"
RARE_MATCHES = 200


def ensure_bare_table(conn) -> None:
    """``bench_bare_names``: every member's province (the id of its tree's top unit: both
    generated federations carry province code 22), folded name and id, with a b-tree on the
    three. Made once; reused when present."""
    if conn.execute("SELECT to_regclass(%s)", [BARE]).fetchone()[0]:
        return
    start = time.perf_counter()
    conn.execute(f'CREATE TABLE {BARE} (province int, name_folded text COLLATE "C", id bigint)')
    conn.execute(
        f"INSERT INTO {BARE} SELECT r.id, m.name_folded, m.id FROM members_member m "
        "JOIN org_unit r ON r.path = m.tree"
    )
    conn.execute(f"CREATE INDEX {BARE}_key ON {BARE} (province, name_folded, id)")
    conn.execute(f"VACUUM ANALYZE {BARE}")
    progress(f"{BARE} made in {time.perf_counter() - start:.0f} s")


def sampled_names(
    conn, province: int, tree: str, count: int, seed: int, unit_id: int | None = None
) -> list:
    """Folded full names of ``count`` members picked at random (in ``unit_id`` if given) that
    at most ``RARE_MATCHES`` members of the province start with: the rare queries."""
    from congdoan.common.text import fold

    where, params = ("unit_id = %s", [unit_id]) if unit_id else ("tree = %s", [tree])
    low, high = conn.execute(
        f"SELECT min(id), max(id) FROM members_member WHERE {where}", params
    ).fetchone()
    rng = random.Random(seed)
    names: list[str] = []
    for _attempt in range(50 * count):
        row = conn.execute(
            f"SELECT full_name FROM members_member WHERE {where} AND id >= %s ORDER BY id LIMIT 1",
            [*params, rng.randint(low, high)],
        ).fetchone()
        name = fold(row[0]) if row else ""
        if not name or name in names:
            continue
        matches = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {BARE} WHERE province = %s "
            "AND name_folded LIKE %s LIMIT %s) AS m",
            [province, name + "%", RARE_MATCHES + 1],
        ).fetchone()[0]
        if matches <= RARE_MATCHES:
            names.append(name)
            if len(names) == count:
                break
    return names


def page_statements(user_pk: int, text: str) -> tuple[list[str], list[str], int, bool]:
    """The SQL the API list runs for ``text`` after the caller's scope is read: the first page
    of 50 (with the scope's size estimate that chooses its plan), then the count; with the
    rows found and whether the page was sorted (a small scope) or read in index order."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congdoan.members import queries
    from congdoan.members.models import Member

    user = get_user_model().objects.get(pk=user_pk)
    unsearched = Member.objects.visible_to(user).select_related("unit", "group")
    with CaptureQueriesContext(connection) as page:
        pages = queries.MemberPages.of(unsearched, text)
        items, _after = pages.page(0, 50)
    with CaptureQueriesContext(connection) as count:
        pages.count()
    sorted_ = any("LOWER(" in q["sql"].upper() for q in page.captured_queries)
    return (
        [q["sql"] for q in page.captured_queries],
        [q["sql"] for q in count.captured_queries],
        len(items),
        sorted_,
    )


class Server:
    """gunicorn serving the bench database (as in production: DEBUG off, persistent database
    connections), started for the run and stopped at its end."""

    def __init__(self, port: int, workers: int):
        self.port = port
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "congdoan.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--log-level=warning",
            ],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        for _ in range(100):
            try:
                if self.get("/healthz", None)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz")

    def get(self, path: str, token: str | None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


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
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds per query")
    parser.add_argument("--rare", type=int, default=10, help="rare queries (sampled names)")
    parser.add_argument("--no-http", action="store_true", help="leave the API over HTTP out")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explain", help="print EXPLAIN ANALYZE of the page's SQL for TEXT")
    args = parser.parse_args()
    db = setup_django(args)
    build(args)
    if args.build_only:
        return
    if db.vendor != "postgresql":
        raise SystemExit("the API table needs PostgreSQL (--postgres)")

    import psycopg
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from congdoan.accounts.models import ApiToken
    from congdoan.members import queries
    from congdoan.members.models import Member
    from congdoan.org.choices import Role
    from congdoan.org.models import RoleAssignment, Unit

    User = get_user_model()
    root = Unit.objects.get(code="LDLD-QN")
    province_admin, _ = User.objects.get_or_create(username="bench_admin")
    RoleAssignment.objects.get_or_create(user=province_admin, unit=root, role=Role.ADMINISTRATOR)
    big = (
        Member.objects.filter(tree=root.path[:4])
        .values("unit")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    grassroots = Unit.objects.get(pk=big["unit"])
    officer, _ = User.objects.get_or_create(username="bench_officer")
    RoleAssignment.objects.get_or_create(user=officer, unit=grassroots, role=Role.OFFICER)
    scopes = [("province administrator", province_admin), ("grassroots officer", officer)]

    sql = psycopg.connect(db.psql_url, autocommit=True)
    ensure_bare_table(sql)
    total = sql.execute("SELECT count(*) FROM members_member").fetchone()[0]
    in_scope = sql.execute(
        "SELECT count(*) FROM members_member WHERE tree = %s", [root.path[:4]]
    ).fetchone()[0]
    common = list(dict.fromkeys(COMMON + QUERIES))
    rare = sampled_names(sql, root.pk, root.path[:4], args.rare, seed=1)
    rare_in_unit = sampled_names(
        sql, root.pk, root.path[:4], max(1, args.rare // 2), 2, grassroots.pk
    )
    groups = {
        "province administrator": [("common", common), ("rare", rare)],
        "grassroots officer": [
            ("common", common),
            ("rare", rare[: args.rare // 2] + rare_in_unit),
        ],
    }
    print(f"\nmachine: {machine()}")
    print(
        f"database: PostgreSQL {sql.info.server_version}, {db.name}; members: {total:,} "
        f"({in_scope:,} in the province); grassroots officer's unit {grassroots.code}: "
        f"{big['n']:,} members"
    )
    for label, user in scopes:
        estimate = queries.planner_estimate(Member.objects.visible_to(user))
        print(
            f"{label}: planner's estimate of the scope {estimate:,} rows "
            f"({'sorted' if queries.few_rows(Member.objects.visible_to(user)) else 'index order'}"
            f", SMALL_SCOPE {queries.SMALL_SCOPE:,})"
        )
    print(f"rare queries: {', '.join(rare)}; in the officer's unit: {', '.join(rare_in_unit)}")

    if args.explain:
        for label, user in scopes:
            page_sql, count_sql, _n, _s = page_statements(user.pk, args.explain)
            for statement in page_sql + count_sql:
                if statement.startswith("EXPLAIN"):  # the scope's estimate: shown above
                    continue
                print(f"\n-- {label}: {args.explain}\n{statement}")
                for (line,) in sql.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}"):
                    print(line)
        return

    tokens = {}
    for label, user in scopes:
        ApiToken.objects.filter(user=user).delete()  # the bench users' tokens of earlier runs
        tokens[label] = ApiToken.issue(user, name="bench")[1]
    server = None if args.no_http else Server(args.port, args.workers)
    province = root.pk
    per_query = []
    summary = []
    nan = float("nan")
    try:
        for label, user in scopes:
            for group, texts in groups[label]:
                every: dict[str, list[float]] = {}
                for text in texts:
                    page_sql, count_sql, found, sorted_ = page_statements(user.pk, text)
                    like = queries.name_key(text) + "%"
                    path = "/api/v1/members?" + urllib.parse.urlencode({"q": text})

                    def replay(statements):
                        return lambda: [sql.execute(s).fetchall() for s in statements]

                    def run_bare(like=like):
                        sql.execute(
                            f"SELECT id FROM {BARE} WHERE province = %s AND name_folded LIKE %s "
                            "ORDER BY name_folded, id LIMIT 50",
                            [province, like],
                        ).fetchall()

                    def run_api(path=path, token=tokens[label]):
                        status, body = server.get(path, token)
                        if status != 200:
                            raise RuntimeError(f"{path}: {status} {body[:300]!r}")

                    steps = {"page": replay(page_sql), "count": replay(count_sql), "bare": run_bare}
                    if server is not None:
                        steps["api"] = run_api
                    for fn in steps.values():  # warm-up, not timed
                        fn()
                    timings: dict[str, list[float]] = {name: [] for name in steps}
                    for _round in range(args.repeat):  # A B C D A B C D …
                        for name, fn in steps.items():
                            start = time.perf_counter()
                            fn()
                            timings[name].append((time.perf_counter() - start) * 1000)
                    timings["page+count"] = [
                        a + b for a, b in zip(timings["page"], timings["count"], strict=True)
                    ]
                    for name in ("page", "page+count"):
                        timings[f"{name}/bare"] = [
                            a / b for a, b in zip(timings[name], timings["bare"], strict=True)
                        ]
                    for name, values in timings.items():
                        every.setdefault(name, []).extend(values)
                    per_query.append(
                        [
                            label,
                            text,
                            found,
                            "sorted" if sorted_ else "index",
                            median(timings["api"]) if "api" in timings else nan,
                            median(timings["page"]),
                            median(timings["count"]),
                            median(timings["bare"]),
                            median(timings["page/bare"]),
                            median(timings["page+count/bare"]),
                        ]
                    )
                    progress(
                        f"  {label}: {text!r}: page {median(timings['page']):.1f} ms, "
                        f"count {median(timings['count']):.1f} ms"
                    )
                api = every.get("api", [])
                summary.append(
                    [
                        label,
                        f"{group} ({len(texts)})",
                        median(api) if api else nan,
                        percentile(api, 95) if api else nan,
                        max(api) if api else nan,
                        median(every["page"]),
                        percentile(every["page"], 95),
                        median(every["count"]),
                        percentile(every["count"], 95),
                        median(every["bare"]),
                        percentile(every["bare"], 95),
                        median(every["page/bare"]),
                        median(every["page+count/bare"]),
                    ]
                )
    finally:
        if server is not None:
            server.stop()
        sql.close()
    print_table(
        [
            "scope",
            "queries",
            "API p50 ms",
            "API p95 ms",
            "API max ms",
            "page SQL p50 ms",
            "page SQL p95 ms",
            "count SQL p50 ms",
            "count SQL p95 ms",
            "bare p50 ms",
            "bare p95 ms",
            "page / bare",
            "(page + count) / bare",
        ],
        summary,
        title=(
            f"API list, page SQL and bare index ({args.repeat} rounds per query, interleaved; "
            "ratios: medians of the round-by-round ratios)"
        ),
    )
    print_table(
        [
            "scope",
            "query",
            "rows",
            "plan",
            "API p50 ms",
            "page SQL p50 ms",
            "count SQL p50 ms",
            "bare p50 ms",
            "page / bare",
            "(page + count) / bare",
        ],
        per_query,
        title="Per query (medians)",
    )


if __name__ == "__main__":
    main()
