"""A logged-in member who was not enrolled scans the session's QR code and taps "điểm danh
cho tôi" in a real browser: enrolled on the spot when the session takes walk-ins, a clear
message (never a server error) when it does not."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdoan.skills.choices import EnrolmentSource
from congdoan.skills.models import Attendance, Course, Enrolment, TrainingSession
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import login
from tests.skills.conftest import make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def walk_in(tree):
    """A worker with a login and a member record at GR-A1, and a session of ZONE today."""
    make_user("hung", full_name="Lê Văn Hùng")
    member = make_member(tree.gr_a1, "Lê Văn Hùng", email="hung@example.org")
    course = Course.objects.create(
        unit=tree.zone, code="VNEID-E2E", title="Sử dụng ứng dụng VNeID", target_step=2
    )
    today = timezone.localdate()
    session = TrainingSession.objects.create(
        code="LH-E2E",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        venue="Hội trường KCN Cái Lân",
        status="open",
    )
    return member, session


def _tap_check_in(page, session):
    login(page, "hung", PASSWORD)
    response = page.goto(f"{page.base_url}/skills/checkin/{session.checkin_token}/")
    assert response.status == 200
    page.get_by_role("button", name="Tôi là Lê Văn Hùng: điểm danh cho tôi").click()
    page.wait_for_load_state()


def test_walk_in_is_enrolled_and_checked_in(page, walk_in):
    member, session = walk_in
    _tap_check_in(page, session)
    done = page.locator("[data-testid=checkin-done]")
    assert "Lê Văn Hùng" in done.inner_text()
    assert page.locator("[data-testid=checkin-walk-in]").is_visible()
    assert Enrolment.objects.get(session=session, member=member).source == EnrolmentSource.WALK_IN
    assert Attendance.objects.filter(session=session, member=member).count() == 1


def test_session_without_walk_ins_says_so(page, walk_in):
    member, session = walk_in
    session.walk_ins = False
    session.save()
    _tap_check_in(page, session)
    refused = page.locator("[data-testid=checkin-refused]")
    assert "không nhận học viên vãng lai" in refused.inner_text()
    assert page.locator("[data-testid=checkin-done]").count() == 0
    assert not Enrolment.objects.filter(session=session, member=member).exists()
    assert not Attendance.objects.filter(session=session).exists()
