"""The engine: definitions, check-in, completion, assessments, certificates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from congdoan.members.models import Member
from congdoan.skills import queries, services
from congdoan.skills.choices import CheckInMethod, RecordSource
from congdoan.skills.models import Attendance, Certificate, Choice, SkillRecord

from .conftest import make_member


def _record(member, comp, step, day=datetime.date(2026, 1, 10), **kw):
    return SkillRecord.objects.create(
        member=member, competence=comp, step=step, source=RecordSource.IMPORT, achieved_on=day, **kw
    )


def test_members_meeting_is_set_based_and_dated(
    members, definition, competences, django_assert_num_queries
):
    a, b, c = members["a1"]
    for code in ("1.1", "2.3", "4.2"):
        _record(a, competences[code], 2)
    _record(b, competences["1.1"], 3)
    _record(b, competences["2.3"], 2)
    _record(b, competences["4.2"], 1)  # below the minimum step
    _record(c, competences["1.1"], 2, day=datetime.date(2026, 6, 1))
    _record(c, competences["2.3"], 2, day=datetime.date(2026, 6, 1))
    _record(c, competences["4.2"], 2, day=datetime.date(2026, 6, 1))
    definition = type(definition).objects.prefetch_related("competences").get(pk=definition.pk)
    with django_assert_num_queries(1):
        ids = set(
            queries.members_meeting(definition, datetime.date(2026, 3, 1)).values_list(
                "pk", flat=True
            )
        )
    assert ids == {a.pk}
    assert set(
        queries.members_meeting(definition, datetime.date(2026, 7, 1)).values_list("pk", flat=True)
    ) == {a.pk, c.pk}
    assert queries.meets_definition(a, definition, datetime.date(2026, 3, 1))
    assert not queries.meets_definition(b, definition, datetime.date(2026, 3, 1))
    definition.min_competences = 2
    definition.save()
    assert queries.meets_definition(b, definition, datetime.date(2026, 3, 1))


def test_withdrawn_record_stops_counting(members, definition, competences, admin_user):
    a = members["a1"][0]
    recs = [_record(a, competences[code], 2) for code in ("1.1", "2.3", "4.2")]
    assert queries.meets_definition(a, definition)
    services.revoke_record(admin_user, recs[0], "Nhập nhầm")
    assert not queries.meets_definition(a, definition)
    # Figures computed for a day before the withdrawal stay as they were.
    assert queries.meets_definition(a, definition, datetime.date(2026, 2, 1))


def test_check_in_twice_counts_once(session, members):
    m = members["a1"][0]
    _att, created = services.check_in(session, m, method=CheckInMethod.QR_ACCOUNT)
    _att2, created2 = services.check_in(session, m, method=CheckInMethod.QR_ACCOUNT)
    assert created and not created2
    assert Attendance.objects.filter(session=session, member=m).count() == 1
    assert session.enrolments.get(member=m).source == "walk_in"


def test_check_in_with_identity(session, members):
    m = members["a2"][0]
    _att, created = services.check_in_with_identity(session, m.cccd, m.date_of_birth)
    assert created
    with pytest.raises(ValidationError):
        services.check_in_with_identity(session, m.cccd, datetime.date(1991, 1, 1))
    outsider = members["b1"][0]  # another subtree, not enrolled
    with pytest.raises(ValidationError):
        services.check_in_with_identity(session, outsider.cccd, outsider.date_of_birth)


def test_completion_records_skills_and_issues_certificate(session, members, officer_a, competences):
    a, b, _c = members["a1"]
    services.enrol_members(officer_a, session, [a.pk, b.pk])
    services.check_in(session, a, method=CheckInMethod.QR_ACCOUNT)
    result = services.close_session(officer_a, session)
    assert result == {"completed": 1, "not_completed": 1}
    assert set(SkillRecord.objects.filter(member=a).values_list("competence__code", "step")) == {
        ("2.3", 2),
        ("2.6", 2),
    }
    cert = Certificate.objects.get(member=a)
    assert cert.number.startswith(f"CD-{timezone.localdate().year}-")
    assert cert.masked_holder_name == "Trần T. B. 0."
    assert not Certificate.objects.filter(member=b).exists()


def test_capacity_limits_enrolment(session, members, officer_a):
    session.capacity = 2
    session.save()
    ids = [m.pk for m in members["a1"] + members["a2"]]
    result = services.enrol_members(officer_a, session, ids)
    assert result == {"enrolled": 2, "already": 0, "over_capacity": 3}


def test_bulk_enrol_skips_members_meeting_definition(
    session, members, officer_a, definition, competences, tree
):
    a = members["a1"][0]
    for code in ("1.1", "2.3", "4.2"):
        _record(a, competences[code], 2)
    result = services.bulk_enrol(officer_a, session, tree.zone, definition=definition)
    assert result["enrolled"] == 4
    assert not session.enrolments.filter(member=a).exists()


def test_bulk_enrol_cannot_reach_sibling(session, members, officer_a, tree):
    from congdoan.common.errors import OutOfScope

    with pytest.raises(OutOfScope):
        services.bulk_enrol(officer_a, session, tree.ward)


def test_assessment_scoring_and_attempt_limit(assessment, members):
    m = members["a1"][0]
    attempt = services.start_attempt(m, assessment)
    assert len(attempt.question_ids) == 4 and len(set(attempt.question_ids)) == 4
    right = {
        str(q): [Choice.objects.get(question_id=q, is_correct=True).pk]
        for q in attempt.question_ids
    }
    wrong_q = attempt.question_ids[0]
    answers = dict(right)
    answers[str(wrong_q)] = [
        Choice.objects.filter(question_id=wrong_q, is_correct=False).first().pk
    ]
    done = services.submit_attempt(attempt, answers)
    assert (done.correct_count, done.score_percent, done.passed) == (3, 75, True)
    rec = SkillRecord.objects.get(member=m)
    assert (rec.competence.code, rec.step, rec.source, rec.attempt_id) == (
        "4.2",
        2,
        "assessment",
        done.pk,
    )
    with pytest.raises(ValidationError):
        services.submit_attempt(done, answers)
    second = services.start_attempt(m, assessment)
    services.submit_attempt(second, {})
    with pytest.raises(ValidationError):
        services.start_attempt(m, assessment)


def test_late_answers_do_not_count(assessment, members):
    m = members["a2"][0]
    attempt = services.start_attempt(m, assessment)
    right = {
        str(q): [Choice.objects.get(question_id=q, is_correct=True).pk]
        for q in attempt.question_ids
    }
    late = attempt.deadline + datetime.timedelta(minutes=5)
    done = services.submit_attempt(attempt, right, now=late)
    assert done.score_percent == 0 and not done.passed


def test_multiple_choice_needs_exact_set(tree, competences, admin_user):
    q = services.save_question(
        admin_user,
        tree.zone,
        competence=competences["1.1"],
        step=1,
        kind="multiple",
        text="Trình duyệt nào?",
        choices=[("Chrome", True), ("Firefox", True), ("Excel", False)],
    )
    ids = sorted(q.choices.filter(is_correct=True).values_list("pk", flat=True))
    assert services.score([q.pk], {str(q.pk): ids}) == 1
    assert services.score([q.pk], {str(q.pk): ids[:1]}) == 0
    with pytest.raises(ValidationError):
        services.save_question(
            admin_user,
            tree.zone,
            competence=competences["1.1"],
            step=1,
            kind="single",
            text="x",
            choices=[("a", True), ("b", True)],
        )


def test_attestation_needs_reason(members, competences, grassroots_a, officer_b):
    from congdoan.common.errors import OutOfScope

    m = members["a1"][0]
    with pytest.raises(ValidationError):
        services.attest_skill(grassroots_a, m, competences["1.1"], 2, " ")
    rec = services.attest_skill(grassroots_a, m, competences["1.1"], 2, "Đã kiểm tra trực tiếp")
    assert rec.recorded_by == grassroots_a
    with pytest.raises(OutOfScope):
        services.attest_skill(officer_b, m, competences["1.1"], 2, "x")


def test_framework_new_version_keeps_old_records(admin_user, members, competences):
    m = members["a1"][0]
    old = _record(m, competences["1.1"], 3)
    v2 = services.new_framework_version(
        admin_user, code="TT02-2027", name="v2", valid_from=datetime.date(2027, 1, 1)
    )
    assert v2.competences.count() == 24
    old.refresh_from_db()
    assert old.competence.version.code == "TT02-2025"
    assert queries.current_steps(m)["1.1"] == 3


def test_framework_edit_only_by_federation_admin(admin_user, zone_admin, competences):
    from congdoan.common.errors import OutOfScope

    services.update_competence(
        admin_user, competences["1.2"], name_vi="Đánh giá dữ liệu", needs_check=False
    )
    with pytest.raises(OutOfScope):
        services.update_competence(zone_admin, competences["1.2"], name_vi="x")


def test_make_member_helper(tree):
    assert Member.objects.filter(pk=make_member(tree.gr_a1).pk).exists()


def test_unit_merge_moves_sessions_and_courses(tree, session, course, admin_user):
    from congdoan.org.services import merge_units

    merge_units(admin_user, tree.zone, tree.ward, reason="Sắp xếp lại tổ chức")
    session.refresh_from_db()
    course.refresh_from_db()
    assert session.unit_id == tree.ward.pk and course.unit_id == tree.ward.pk


def test_duplicate_member_merge_moves_records(members, competences, session):
    from congdoan.skills.hooks import move_records_of_duplicate_member

    dup, keep = members["a1"][0], members["a1"][1]
    _record(dup, competences["1.1"], 2)
    services.check_in(session, dup, method=CheckInMethod.QR_ACCOUNT)
    services.check_in(session, keep, method=CheckInMethod.QR_ACCOUNT)
    move_records_of_duplicate_member(None, dup, keep)
    assert SkillRecord.objects.filter(member=keep).count() == 1
    # the same session and day: the duplicate's row stays with it, nothing is lost or doubled
    assert Attendance.objects.filter(member=keep).count() == 1
    assert Attendance.objects.filter(member=dup).count() == 1
