"""A burst of 500 concurrent check-ins for one session loses none and records none twice.

Runs on PostgreSQL (``DATABASE_URL=postgres://…``): real concurrent transactions on separate
connections. SQLite serialises writers anyway, so the test is skipped there.
"""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from congdoan.common import cccd
from congdoan.members.models import Member
from congdoan.skills import services
from congdoan.skills.choices import CheckInMethod
from congdoan.skills.models import Attendance, Course, Enrolment, TrainingSession

pytestmark = pytest.mark.django_db(transaction=True)


def test_burst_of_500_check_ins(tree):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency test needs PostgreSQL")
    today = timezone.localdate()
    course = Course.objects.create(unit=tree.zone, code="BURST", title="An toàn thông tin cơ bản")
    session = TrainingSession.objects.create(
        code="LH-BURST",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today,
        venue="Nhà văn hoá công nhân",
        status="open",
    )
    people = []
    for i in range(400):
        m = Member(
            unit=tree.gr_a1,
            full_name=f"Công nhân {i}",
            gender="female",
            date_of_birth=datetime.date(1995, 1, 2),
            cccd=cccd.make("022", "female", 1995, 200000 + i),
            card_number=f"B{i:06d}",
        )
        m.prepare()
        people.append(m)
    members = Member.objects.bulk_create(people)
    # 400 members, 100 of them scan twice (a double tap, a retry on a slow network): 500 calls.
    calls = (
        [(m.pk, False) for m in members]
        + [(m.pk, True) for m in members[:50]]
        + [(m.pk, False) for m in members[50:100]]
    )

    def scan(args):
        member_id, by_identity = args
        try:
            member = Member.objects.select_related("unit").get(pk=member_id)
            if by_identity:
                return services.check_in_with_identity(session, member.cccd, member.date_of_birth)[
                    1
                ]
            return services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)[1]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=24) as pool:
        created = list(pool.map(scan, calls))

    assert len(calls) == 500
    assert sum(created) == 400  # exactly one call per member created the row
    assert Attendance.objects.filter(session=session).count() == 400
    assert Attendance.objects.filter(session=session).values("member").distinct().count() == 400
    assert Enrolment.objects.filter(session=session).count() == 400
