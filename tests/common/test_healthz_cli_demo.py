import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from congdoan.cli import main
from congdoan.org.models import RoleAssignment, Unit


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"database": "ok"}


def test_healthz_503_when_database_fails(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise DatabaseError("down")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unreachable"}


def test_cli_maps_hyphenated_commands(monkeypatch):
    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: seen.setdefault("argv", argv),
    )
    main(["congdoan", "import-members", "file.xlsx"])
    assert seen["argv"][:2] == ["congdoan", "import_members"]


@pytest.mark.django_db
def test_demo_is_idempotent_and_builds_the_province():
    call_command("demo", units=12, members=0, stdout=io.StringIO())
    first = Unit.objects.count()
    call_command("demo", units=12, members=0, stdout=io.StringIO())
    assert Unit.objects.count() == first
    root = Unit.objects.get(code="LDLD-QN")
    assert root.name == "Liên đoàn Lao động tỉnh Quảng Ninh"
    assert Unit.objects.filter(kind="grassroots_union").count() == 12
    assert RoleAssignment.objects.filter(
        user__username="federation_admin", unit=root, role="administrator"
    ).exists()
    grassroots = Unit.objects.filter(kind="grassroots_union")
    # Schools, cooperatives and small firms of a ward employ a few dozen; factories thousands.
    assert all(15 <= u.worker_count <= 5000 for u in grassroots)
    assert {u.ownership for u in grassroots} >= {"private", "foreign_invested"}


@pytest.mark.django_db
def test_demo_refuses_database_with_other_data(tree):
    with pytest.raises(CommandError):
        call_command("demo", units=3, members=0, stdout=io.StringIO())


def test_demo_logins_print_the_address_given():
    out = io.StringIO()
    call_command("demo", logins=True, url="http://0.0.0.0:9000/", stdout=out)
    assert "at http://0.0.0.0:9000/" in out.getvalue()


def test_make_run_prints_the_address_it_serves():
    """``make run HOST=… PORT=…`` prints the logins with the address runserver listens on."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "-B", "run", "HOST=0.0.0.0", "PORT=9000"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "demo --logins --url http://0.0.0.0:9000/" in dry
    assert "runserver 0.0.0.0:9000" in dry
