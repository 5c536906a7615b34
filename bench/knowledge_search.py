"""Benchmark: accent-free search of the knowledge base (issue 15: p95 < 100 ms over 10,000
articles).

    .venv/bin/python bench/knowledge_search.py [--articles 10000] [--rounds 200] [--postgres]
        [--db NAME] [--keep] [--out /tmp/bench/knowledge_search.md]

Builds (or, in a database named with ``--db``, reuses) the demo province (``org.demo``) and
``--articles`` generated articles of 80–250 words of union Vietnamese, spread over the
federation and its units, through ``knowledge.services.search_text_of`` and ``bulk_create``.
Then, for a province administrator (who reads every article) and a grassroots officer (their
union's articles and those above), and for queries typed without accents, it times,
interleaved (A B C A B C …):

- the search as the API list runs it: ``queries.articles_for(user, q=…)``, its count and its
  first page of 20 rows (``common.api_schemas.Page``'s default limit);
- on PostgreSQL, a bare baseline through psycopg: the same tsquery on a plain table
  ``bench_bare_articles (id, search_text)`` with a GIN index on the same tsvector expression,
  count and first 20 ranked ids — what any engine needs at least for such a page.

Prints a Markdown table and writes it to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import random
import sys
from pathlib import Path

from harness import (  # noqa: E402
    add_database_options,
    interleave,
    machine,
    median,
    percentile,
    print_table,
    progress,
    setup_django,
)

QUERIES = [
    "che do thai san",
    "thoa uoc lao dong",
    "bao hiem that nghiep",
    "nghi hang nam",
    "luong toi thieu vung",
    "tro cap",
    "nha o xa hoi",
    "hoc bong",
    "tai nan lao dong",
    "lam them gio",
    "cong doan co s",  # the last word typed half way
    "phuc loi",
]
PAGE = 20


def build_articles(count: int) -> None:
    from congdoan.common.demo import DemoContext
    from congdoan.knowledge import demo as knowledge_demo
    from congdoan.knowledge import services
    from congdoan.knowledge.choices import ArticleStatus, Topic
    from congdoan.knowledge.models import Article
    from congdoan.org import demo as org_demo
    from congdoan.org.models import Unit

    have = Article.objects.count()
    if have >= count:
        progress(f"reusing {have:,} articles")
        return
    org_demo.build(DemoContext(options={"units": 200}, stdout=io.StringIO()))
    rows = [
        *knowledge_demo.PROVINCE_ARTICLES,
        *knowledge_demo.ZONE_ARTICLES,
        *knowledge_demo.ENTERPRISE_ARTICLES,
    ]
    words = " ".join(body for _t, _title, body in rows).split()
    units = list(Unit.objects.values_list("pk", flat=True))
    root = Unit.objects.get(code=knowledge_demo.ROOT_CODE).pk
    rng = random.Random(2026)
    topics = list(Topic.values)
    batch = []
    for n in range(have, count):
        topic, title, _body = rows[n % len(rows)]
        title = f"{title} ({n})" if rng.random() < 0.3 else f"{' '.join(rng.sample(words, 6))}"
        body = " ".join(rng.choice(words) for _ in range(rng.randint(80, 250)))
        batch.append(
            Article(
                unit_id=root if rng.random() < 0.1 else rng.choice(units),
                title=title[:300],
                body=body,
                topic=rng.choice(topics),
                status=ArticleStatus.PUBLISHED,
                search_text=services.search_text_of(title, body),
            )
        )
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
            progress(f"  {n + 1:,} articles")
    Article.objects.bulk_create(batch)


def build_bare(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_articles (id integer PRIMARY KEY, "
            "search_text text NOT NULL, search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, search_text)) STORED)"
        )
        if conn.execute("SELECT count(*) FROM bench_bare_articles").fetchone()[0] == 0:
            conn.execute(
                "INSERT INTO bench_bare_articles (id, search_text) "
                "SELECT id, search_text FROM knowledge_article"
            )
            conn.execute("CREATE INDEX ON bench_bare_articles USING gin (search_vector)")
        conn.execute("ANALYZE bench_bare_articles")
        conn.execute("ANALYZE knowledge_article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser, "knowledge_search")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200, help="timed searches per series")
    parser.add_argument("--out", default="/tmp/bench/knowledge_search.md")
    args = parser.parse_args()
    db = setup_django(args)

    from django.contrib.auth import get_user_model

    from congdoan.knowledge import queries
    from congdoan.knowledge.models import Article

    build_articles(args.articles)
    total = Article.objects.count()
    User = get_user_model()  # noqa: N806
    users = {
        "province admin": User.objects.get(username="federation_admin"),
        "grassroots officer": User.objects.get(username="grassroots_officer"),
    }

    def app_search(user, cycle):
        def run() -> None:
            found = queries.articles_for(user, q=next(cycle))
            found.count()
            list(found[:PAGE])

        return run

    steps = {label: app_search(user, itertools.cycle(QUERIES)) for label, user in users.items()}
    if db.vendor == "postgresql":
        import psycopg

        build_bare(db.psql_url)
        bare = psycopg.connect(db.psql_url, autocommit=True)
        bare_cycle = itertools.cycle(QUERIES)
        tsv = "search_vector"

        def bare_search() -> None:
            query = queries.tsquery_text(queries.search_words(next(bare_cycle)))
            bare.execute(
                f"SELECT count(*) FROM bench_bare_articles WHERE {tsv} @@ to_tsquery('simple', %s)",
                (query,),
            ).fetchone()
            bare.execute(
                f"SELECT id FROM bench_bare_articles WHERE {tsv} @@ to_tsquery('simple', %s) "
                f"ORDER BY ts_rank({tsv}, to_tsquery('simple', %s)) DESC, id DESC LIMIT {PAGE}",
                (query, query),
            ).fetchall()

        steps["bare baseline (psycopg, GIN)"] = bare_search
    for fn in steps.values():  # warm caches and connections
        for _ in QUERIES:
            fn()
    timings = interleave(steps, args.rounds)
    hits = {q: queries.articles_for(users["province admin"], q=q).count() for q in QUERIES}

    rows = [
        [
            label,
            median(values) * 1000,
            percentile(values, 95) * 1000,
            max(values) * 1000,
        ]
        for label, values in timings.items()
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print(f"# Knowledge search: {total:,} articles, {db.vendor}\n")
        print(
            f"{machine()}; {args.rounds} searches per series, interleaved; "
            "each search = count + first page of 20 ranked rows.\n"
        )
        print_table(["series", "p50 ms", "p95 ms", "max ms"], rows)
        print_table(["query", "matches (province)"], [[q, n] for q, n in hits.items()])
        p95 = max(row[2] for row in rows if not str(row[0]).startswith("bare"))
        print(f"\nTarget p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'} ({p95:.1f} ms).")
    text = out.getvalue()
    sys.stdout.write(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    progress(f"written to {args.out}")


if __name__ == "__main__":
    main()
