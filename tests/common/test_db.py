"""Planner statistics after bulk loads (congdoan.common.db.analyze)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from congdoan.common.db import analyze, analyze_after_commit, wait_for_background_analyze
from congdoan.org.models import Unit


def tables_with_statistics() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'")
        else:
            if "sqlite_stat1" not in connection.introspection.table_names(include_views=False):
                cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
                if not cursor.fetchall():
                    return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_analyze_gives_the_planner_statistics(tree):
    assert "org_unit" not in tables_with_statistics()
    analysed = analyze([Unit])
    assert "org_unit" in analysed
    assert "org_unit" in tables_with_statistics()


@pytest.mark.django_db
def test_demo_analyses_what_it_loaded():
    # On a fresh PostgreSQL the demo's indicator step stalled for minutes: the tables the
    # earlier steps filled had no statistics yet, and the planner chose nested loops.
    call_command("demo", units=12, members=0, stdout=io.StringIO())
    assert "org_unit" in tables_with_statistics()


@pytest.mark.django_db(transaction=True)
def test_a_large_import_analyses_the_member_tables(tree, admin_user, monkeypatch):
    # After the job is done, off its path (on PostgreSQL in a thread of its own).
    from congdoan.members import importing

    from ..members.conftest import member_fields

    monkeypatch.setattr(importing.jobs, "ANALYZE_AFTER_CREATED", 2)
    rows = [["Họ và tên", "Giới tính", "Ngày sinh"]] + [
        [member_fields(n)["full_name"], "Nam", "17/05/1990"] for n in range(2, 6)
    ]
    content = "\n".join(",".join(row) for row in rows).encode()
    upload = SimpleUploadedFile("ds.csv", content, content_type="text/csv")
    job = importing.start_job(admin_user, tree.gr_a1, upload, dry_run=False, background=False)
    assert job.created == 4, job.message
    wait_for_background_analyze()
    assert "members_member" in tables_with_statistics()


@pytest.mark.django_db
def test_analyze_after_commit_waits_for_the_commit(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        analyze_after_commit([Unit])
    assert len(callbacks) == 1  # nothing analysed inside the transaction
    assert "org_unit" not in tables_with_statistics()
