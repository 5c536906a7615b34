"""Malformed dates and check-in tokens on the skills pages: a fallback or a 404, never a 500.

``parse_date`` raises on a well-formed impossible date (2026-99-99), and PostgreSQL refuses a
NUL character in a query parameter; both were server errors.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congdoan.skills.models import Course, TrainingSession


@pytest.fixture
def session(tree):
    today = timezone.localdate()
    course = Course.objects.create(unit=tree.zone, code="C-T", title="Kỹ năng số", target_step=1)
    return TrainingSession.objects.create(
        code="LH-T9",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        meeting_count=2,
        status="open",
    )


@pytest.mark.parametrize("day", ["2026-99-99", "2026-02-30", "x", "\x00"])
def test_impossible_day_on_the_session_page_shows_the_default_day(
    session, admin_user, client_for, day
):
    response = client_for(admin_user).get(f"/skills/sessions/{session.pk}/", {"day": day})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_impossible_day_when_marking_attendance_is_a_message(session, admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(
        f"/skills/sessions/{session.pk}/attendance/", {"day": "2026-99-99"}, follow=True
    )
    assert response.status_code == 200
    # Vietnamese first: the page speaks the officer's language.
    assert [str(m) for m in response.context["messages"]] == ["Hãy nhập một ngày hợp lệ."]
    assert not session.attendances.exists()


@pytest.mark.parametrize("path", ["report", "leave-no-one-behind"])
def test_impossible_as_of_on_the_unit_reports_is_today(tree, admin_user, client_for, path):
    name = {"report": "skills:report", "leave-no-one-behind": "skills:leave_behind"}[path]
    url = reverse(name, args=["ZONE"])
    response = client_for(admin_user).get(url, {"as_of": "2026-99-99"})
    assert response.status_code == 200


@pytest.mark.parametrize("token", ["%00%FF", "%00", "%FF", "a%00b"])
def test_malformed_checkin_token_is_404(session, client, token):
    assert client.get(f"/skills/checkin/{token}/").status_code == 404
    assert client.post(f"/skills/checkin/{token}/", {"cccd": "1"}).status_code == 404


def test_checkin_token_still_opens_its_session(session, client):
    assert client.get(f"/skills/checkin/{session.checkin_token}/").status_code == 200
