"""Check-in of a member who was not enrolled: enrolled on the spot when the session takes
walk-ins, told plainly (never a server error) when it does not or when they are outside the
organising subtree."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from congdoan.skills import services
from congdoan.skills.choices import CheckInMethod, EnrolmentSource
from congdoan.skills.models import Attendance, Enrolment


def _login_as(client, member, username):
    member.email = f"{username}@example.org"
    member.save()
    user = get_user_model().objects.create_user(
        username, email=member.email, password="x-2026-long"
    )
    client.force_login(user)
    return user


def test_walk_in_member_is_enrolled_and_checked_in(client, session, members):
    member = members["a1"][0]
    _login_as(client, member, "walkin")
    response = client.post(f"/skills/checkin/{session.checkin_token}/", {"mode": "account"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="checkin-done"' in body
    assert 'data-testid="checkin-walk-in"' in body
    assert Enrolment.objects.get(session=session, member=member).source == EnrolmentSource.WALK_IN
    assert Attendance.objects.filter(session=session, member=member).count() == 1


def test_no_walk_ins_gives_a_message_not_a_server_error(client, session, members):
    session.walk_ins = False
    session.save()
    member = members["a1"][0]
    _login_as(client, member, "notenrolled")
    response = client.post(f"/skills/checkin/{session.checkin_token}/", {"mode": "account"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="checkin-refused"' in body and "checkin-done" not in body
    assert "does not take walk-ins" in body or "không nhận" in body
    assert not Enrolment.objects.filter(session=session, member=member).exists()
    assert not Attendance.objects.filter(session=session).exists()


def test_member_outside_the_organising_subtree_gets_a_message(client, session, members):
    member = members["b1"][0]
    _login_as(client, member, "outsider")
    response = client.post(f"/skills/checkin/{session.checkin_token}/", {"mode": "account"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="checkin-refused"' in body
    assert not Attendance.objects.filter(session=session).exists()


def test_enrolled_member_checks_in_when_walk_ins_are_not_taken(session, members, officer_a):
    session.walk_ins = False
    session.save()
    member = members["a1"][0]
    services.enrol_members(officer_a, session, [member.pk])
    _attendance, created = services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    assert created


def test_no_walk_ins_refuses_identity_check_in_too(session, members):
    session.walk_ins = False
    session.save()
    member = members["a2"][0]
    with pytest.raises(services.CheckInRefused):
        services.check_in_with_identity(session, member.cccd, member.date_of_birth)


def test_trainer_can_still_add_a_walk_in_when_self_walk_ins_are_off(session, members, officer_a):
    """The flag is about members enrolling themselves at the door; a trainer's mark stands."""
    session.walk_ins = False
    session.save()
    member = members["a1"][2]
    _attendance, created = services.check_in(
        session, member, method=CheckInMethod.TRAINER, recorded_by=officer_a
    )
    assert created


def test_cancelled_enrolment_is_reopened_by_a_walk_in(session, members, officer_a):
    member = members["a1"][1]
    services.enrol_members(officer_a, session, [member.pk])
    services.cancel_enrolment(officer_a, session.enrolments.get(member=member))
    services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    assert session.enrolments.get(member=member).status == "enrolled"
