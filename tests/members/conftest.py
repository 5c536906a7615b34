"""Members at known places of the shared tree: two in GR-A1 (ZONE), one in GR-B1 (WARD)."""

from __future__ import annotations

import datetime

import pytest

from congdoan.common import cccd
from congdoan.members import services


def member_fields(n: int = 1, gender: str = "male", year: int = 1990, **extra) -> dict:
    fields = dict(
        full_name=f"Nguyễn Văn An {n}" if n > 1 else "Nguyễn Văn An",
        gender=gender,
        date_of_birth=datetime.date(year, 5, 17),
        cccd=cccd.make("022", gender, year, 100000 + n),
        ethnicity="01",
        religion="none",
        education_level="upper_secondary",
        qualification="university",
        phone=f"09123{n:05d}",
        permanent_province=22,
        current_province=22,
        job_title="Công nhân",
        joined_on=datetime.date(2015, 3, 1),
    )
    fields.update(extra)
    return fields


@pytest.fixture
def make_member(admin_user):
    def make(unit, n: int = 1, actor=None, **extra):
        return services.admit_member(actor or admin_user, unit, **member_fields(n, **extra))

    return make


@pytest.fixture
def members(tree, make_member):
    class M:
        a1 = make_member(tree.gr_a1, 1)
        a2 = make_member(tree.gr_a1, 2, full_name="Trần Thị Hoà", gender="female", year=2001)
        b1 = make_member(tree.gr_b1, 3, full_name="Lê Văn Đức")

    return M


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; Vietnamese ones in test_translations-like tests."""
    from django.utils import translation

    with translation.override("en"):
        yield
