"""The skills demo runs after the org and members demos, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest

from congdoan.common.demo import DemoContext
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
