"""Fixtures shared by every app's tests: a small province tree and users at known places.

PROV (provincial federation)          federation admin: admin_user
├── ZONE (industrial-zone union)      zone officer: officer_a (officer on ZONE)
│   ├── GR-A1 (grassroots union)      grassroots officer: grassroots_a (officer on GR-A1)
│   └── GR-A2
└── WARD (commune union)              sibling officer: officer_b (officer on WARD)
    └── GR-B1
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from congdoan.org.choices import Role, UnitKind
from congdoan.org.models import RoleAssignment, Unit

PASSWORD = "test-pass-2026"


def make_unit(parent: Unit | None, code: str, name: str, kind: str, **fields) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, **fields)
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=unit)


def make_user(username: str, unit: Unit | None = None, role: str | None = None, **fields):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **fields
    )
    if unit is not None and role is not None:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


class Tree:
    def __init__(self):
        self.prov = make_unit(
            None,
            "PROV",
            "Liên đoàn Lao động tỉnh Quảng Ninh",
            UnitKind.PROVINCIAL_FEDERATION,
            province_code=22,
            abbreviation="LĐLĐ",
        )
        self.zone = make_unit(
            self.prov, "ZONE", "Công đoàn các Khu công nghiệp", UnitKind.INDUSTRIAL_ZONE_UNION
        )
        self.ward = make_unit(self.prov, "WARD", "Công đoàn phường Hạ Long", UnitKind.COMMUNE_UNION)
        self.gr_a1 = make_unit(
            self.zone,
            "GR-A1",
            "Công đoàn cơ sở Công ty TNHH Đông Bắc",
            UnitKind.GRASSROOTS_UNION,
            employer_name="Công ty TNHH Đông Bắc",
            worker_count=1200,
        )
        self.gr_a2 = make_unit(
            self.zone,
            "GR-A2",
            "Công đoàn cơ sở Công ty Cổ phần Hoà Bình",
            UnitKind.GRASSROOTS_UNION,
        )
        self.gr_b1 = make_unit(
            self.ward, "GR-B1", "Công đoàn cơ sở Công ty TNHH Sao Mai", UnitKind.GRASSROOTS_UNION
        )

    def refresh(self):
        for name in ("prov", "zone", "ward", "gr_a1", "gr_a2", "gr_b1"):
            setattr(self, name, Unit.objects.get(pk=getattr(self, name).pk))
        return self


@pytest.fixture
def tree(db) -> Tree:
    return Tree()


@pytest.fixture
def admin_user(tree):
    return make_user("fed_admin", tree.prov, Role.ADMINISTRATOR, full_name="Nguyễn Thị Hạnh")


@pytest.fixture
def officer_a(tree):
    return make_user("officer_a", tree.zone, Role.OFFICER)


@pytest.fixture
def zone_admin(tree):
    return make_user("zone_admin", tree.zone, Role.ADMINISTRATOR)


@pytest.fixture
def grassroots_a(tree):
    return make_user("grassroots_a", tree.gr_a1, Role.OFFICER)


@pytest.fixture
def officer_b(tree):
    """An officer of the sibling subtree (WARD): must never see ZONE's records."""
    return make_user("officer_b", tree.ward, Role.OFFICER)


@pytest.fixture
def ward_admin(tree):
    return make_user("ward_admin", tree.ward, Role.ADMINISTRATOR)


@pytest.fixture
def no_role_user(db):
    return make_user("nobody")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_client_for(db):
    """``api_client_for(user)``: a client sending ``Authorization: Bearer <token>``."""
    from django.test import Client

    from congdoan.accounts.models import ApiToken

    def make(user):
        _token, raw = ApiToken.issue(user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The local-memory cache outlives a test's database transaction: clear it around each test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Django's LocaleMiddleware activates a request's language for the thread and never
    puts it back: a test that browses in English would leave the next tests in English."""
    from django.utils import translation

    yield
    translation.deactivate()
