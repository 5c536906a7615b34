"""The skills demo runs after the org and members demos, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

from congdoan.common.demo import DemoContext
from congdoan.skills import queries
from congdoan.skills.models import Certificate, Course, SkillRecord, TrainingSession


@pytest.mark.django_db
def test_demo_is_idempotent():
    from congdoan.members import demo as members_demo
    from congdoan.org import demo as org_demo
    from congdoan.skills import demo as skills_demo

    ctx = DemoContext(options={"units": 12, "members": 600}, stdout=io.StringIO())
    org_demo.build(ctx)
    members_demo.build(ctx)
    skills_demo.build(ctx)
    counts = (
        Course.objects.count(),
        TrainingSession.objects.count(),
        SkillRecord.objects.count(),
        Certificate.objects.count(),
    )
    assert counts[0] == 6 and counts[1] > 5 and counts[2] > 100 and counts[3] > 50
    assert TrainingSession.objects.filter(code="LH-DEMO-TODAY", status="open").exists()
    skills_demo.build(DemoContext(options={"units": 12, "members": 600}, stdout=io.StringIO()))
    assert counts == (
        Course.objects.count(),
        TrainingSession.objects.count(),
        SkillRecord.objects.count(),
        Certificate.objects.count(),
    )


@pytest.mark.django_db
def test_demo_links_the_member_login_through_the_members_service():
    """The demo ``member`` login gets a member record by the members app's own service: the
    change is in that member's history, made by the federation administrator."""
    from congdoan.members import demo as members_demo
    from congdoan.org import demo as org_demo
    from congdoan.skills import demo as skills_demo

    ctx = DemoContext(options={"units": 12, "members": 300}, stdout=io.StringIO())
    org_demo.build(ctx)
    members_demo.build(ctx)
    skills_demo.build(ctx)
    users = get_user_model().objects
    login = users.get(username="member")
    member = queries.member_for_user(login)
    assert member is not None and member.unit.code == "QN-CDCS-0001"
    # The person the demo means (its printed logins call them Lê Văn Hùng), not whichever
    # record came first.
    assert member.full_name == login.full_name == "Lê Văn Hùng"
    change = member.history.first()
    assert change.history_user == users.get(username="federation_admin")


@pytest.mark.django_db
def test_member_login_skills_page_shows_that_person(client):
    """The demo's ``member`` login opens their own skills page, under their own name; an
    earlier demo that linked somebody else is put right on the next run."""
    from congdoan.members import demo as members_demo
    from congdoan.members import services as member_services
    from congdoan.members.models import Member
    from congdoan.org import demo as org_demo
    from congdoan.skills import demo as skills_demo

    ctx = DemoContext(options={"units": 12, "members": 300}, stdout=io.StringIO())
    org_demo.build(ctx)
    members_demo.build(ctx)
    users = get_user_model().objects
    login = users.get(username="member")
    # What earlier versions of the demo did: the first member of the union got the e-mail.
    wrong = Member.objects.active().filter(unit__code="QN-CDCS-0001").order_by("pk").first()
    member_services.update_member(
        users.get(username="federation_admin"), wrong, email=login.email, reason="old demo"
    )
    skills_demo.build(ctx)
    client.force_login(login)
    body = client.get("/skills/me/").content.decode()
    assert "Lê Văn Hùng" in body
    assert wrong.full_name == "Lê Văn Hùng" or wrong.full_name not in body
    assert queries.member_for_user(login).full_name == "Lê Văn Hùng"
