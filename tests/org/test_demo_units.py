"""The demo province reads like a real federation: grassroots unions sit under the upper
unions that fit them, with names an officer would recognise."""

import io

import pytest

from congdoan.common.demo import DemoContext
from congdoan.members import demo as members_demo
from congdoan.members.models import Member
from congdoan.org import demo
from congdoan.org.choices import Ownership, UnitKind
from congdoan.org.models import Unit


@pytest.fixture
def province(db):
    ctx = DemoContext(options={"units": 60, "members": 300}, stdout=io.StringIO())
    demo.build(ctx)
    return ctx


def _below(code: str) -> list[Unit]:
    parent = Unit.objects.get(code=code)
    return [u for u in parent.get_children() if u.kind == UnitKind.GRASSROOTS_UNION]


def test_units_fit_their_upper_union(province):
    health, schools = _below("CDN-YT"), _below("CDN-GD")
    assert health and schools
    assert all(
        u.employer_name.startswith(("Bệnh viện", "Trung tâm Y tế", "Phòng khám")) for u in health
    )
    assert all(u.employer_name.startswith("Trường") for u in schools)
    assert all(u.ownership == Ownership.STATE for u in health + schools)
    parks = _below("CD-KCN")
    assert not any(u.employer_name.startswith(("Trường", "Bệnh viện")) for u in parks)
    assert sum(u.ownership == Ownership.FOREIGN_INVESTED for u in parks) > len(parks) / 2
    builders = _below("CDN-XD")
    trades = ("Xây", "Vật liệu", "Vận tải", "Cầu", "Tư vấn", "Cảng")
    for u in builders:
        trade = u.employer_name.removeprefix("Công ty TNHH ").removeprefix("Công ty Cổ phần ")
        assert trade.startswith(trades), u.employer_name
    wards = Unit.objects.filter(kind=UnitKind.COMMUNE_UNION)
    local = [c for w in wards for c in w.get_children() if c.kind == UnitKind.GRASSROOTS_UNION]
    assert local and not any("May mặc" in u.name or "Trường" in u.name for u in local)


def test_demo_is_still_idempotent(province):
    before = Unit.objects.count()
    demo.build(DemoContext(options={"units": 60}, stdout=io.StringIO()))
    assert Unit.objects.count() == before


def test_members_have_jobs_that_fit_their_employer(province):
    members_demo.build(province)
    for member in Member.objects.select_related("unit").filter(
        unit__employer_name__startswith="Trường"
    )[:50]:
        assert member.job_title in members_demo.SCHOOL_JOBS
    assert not Member.objects.filter(
        unit__employer_name__startswith="Công ty", job_title__in=["Giáo viên", "Điều dưỡng"]
    ).exists()
