"""Skills fixtures: members in the shared tree, a course, a session, an assessment with a bank."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from congdoan.common import cccd
from congdoan.members.models import Member
from congdoan.skills.choices import QuestionKind
from congdoan.skills.models import (
    Assessment,
    Competence,
    Course,
    DigitalSkillsDefinition,
    TrainingSession,
)
from congdoan.skills.services import save_question

_serial = itertools.count(1)


def make_member(unit, name="Nguyễn Văn An", *, gender="male", year=1990, **fields) -> Member:
    n = next(_serial)
    defaults = {
        "full_name": name,
        "gender": gender,
        "date_of_birth": datetime.date(year, 5, 17),
        "cccd": cccd.make("022", gender, year, 100000 + n),
        "card_number": f"TEST{n:06d}",
    }
    defaults.update(fields)
    return Member.objects.create(unit=unit, **defaults)


@pytest.fixture
def competences(db):
    return {c.code: c for c in Competence.objects.filter(version__is_current=True)}


@pytest.fixture
def members(tree):
    return {
        "a1": [make_member(tree.gr_a1, f"Trần Thị Bình {i}", gender="female") for i in range(3)],
        "a2": [make_member(tree.gr_a2, f"Lê Văn Cường {i}") for i in range(2)],
        "b1": [make_member(tree.gr_b1, f"Phạm Văn Dũng {i}") for i in range(2)],
    }


@pytest.fixture
def definition(tree, competences):
    d = DigitalSkillsDefinition.objects.create(
        unit=tree.prov,
        name="Có kỹ năng số cơ bản",
        min_step=2,
        valid_from=datetime.date(2025, 1, 1),
    )
    d.competences.set([competences["1.1"], competences["2.3"], competences["4.2"]])
    return d


@pytest.fixture
def course(tree, competences):
    c = Course.objects.create(
        unit=tree.zone,
        code="VNEID-T",
        title="Sử dụng ứng dụng VNeID",
        target_step=2,
        min_attendance_percent=50,
    )
    c.competences.set([competences["2.3"], competences["2.6"]])
    return c


@pytest.fixture
def session(tree, course):
    today = timezone.localdate()
    return TrainingSession.objects.create(
        code="LH-T1",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        meeting_count=2,
        venue="Hội trường KCN Cái Lân",
        capacity=None,
        status="open",
    )


@pytest.fixture
def assessment(tree, competences, admin_user):
    comp = competences["4.2"]
    for i in range(6):
        save_question(
            admin_user,
            tree.zone,
            competence=comp,
            step=2,
            kind=QuestionKind.SINGLE,
            text=f"Câu hỏi {i}: mật khẩu nào an toàn nhất?",
            choices=[("123456", False), ("Ng@y-Mua-Xuan-2026!", True), ("matkhau", False)],
        )
    return Assessment.objects.create(
        unit=tree.zone,
        title="Bảo vệ dữ liệu cá nhân – bậc 2",
        competence=comp,
        step=2,
        question_count=4,
        time_limit_minutes=10,
        max_attempts=2,
        pass_percent=75,
    )
