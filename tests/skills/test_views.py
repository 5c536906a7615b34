"""Pages and API end to end: enrolment, attendance list, closing, assessments, reports, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from congdoan.skills import services
from congdoan.skills.choices import RecordSource
from congdoan.skills.models import Attendance, Certificate, Choice, SkillRecord


@pytest.fixture
def linked_member(members):
    m = members["a1"][0]
    m.email = "binh0@example.org"
    m.save()
    user = get_user_model().objects.create_user("binh0", email=m.email, password="x-2026-long")
    return m, user


def test_officer_flow_enrol_mark_close(session, members, officer_a, client_for):
    client = client_for(officer_a)
    a, b = members["a1"][0], members["a1"][1]
    r = client.post(
        f"/skills/sessions/{session.pk}/enrol/", {"member": [a.pk, b.pk, members["b1"][0].pk]}
    )
    assert r.status_code == 302
    assert set(session.enrolments.values_list("member_id", flat=True)) == {
        a.pk,
        b.pk,
    }  # b1 is outside ZONE
    day = timezone.localdate().isoformat()
    client.post(
        f"/skills/sessions/{session.pk}/attendance/",
        {"day": day, "shown": [a.pk, b.pk], "present": [a.pk]},
    )
    assert list(Attendance.objects.filter(session=session).values_list("member_id", flat=True)) == [
        a.pk
    ]
    client.post(f"/skills/sessions/{session.pk}/close/")
    assert (
        Certificate.objects.filter(member=a).exists()
        and not Certificate.objects.filter(member=b).exists()
    )
    page = client.get(f"/skills/sessions/{session.pk}/")
    assert page.status_code == 200


def test_bulk_enrol_page(session, members, officer_a, client_for, definition):
    client = client_for(officer_a)
    client.post(
        f"/skills/sessions/{session.pk}/enrol/bulk/", {"unit": "GR-A1", "definition": definition.pk}
    )
    assert session.enrolments.count() == 3


def test_member_takes_assessment(assessment, linked_member, client):
    member, user = linked_member
    client.force_login(user)
    page = client.get("/skills/me/")
    assert page.status_code == 200 and assessment.title in page.content.decode()
    r = client.post(f"/skills/me/assessments/{assessment.pk}/")
    attempt = member.skill_attempts.get()
    assert r.url == f"/skills/me/attempts/{attempt.pk}/"
    answers = {
        f"q{q}": [str(Choice.objects.get(question_id=q, is_correct=True).pk)]
        for q in attempt.question_ids
    }
    client.post(r.url, answers)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
    assert SkillRecord.objects.get(member=member).source == RecordSource.ASSESSMENT
    assert 'data-testid="attempt-result"' in client.get(r.url).content.decode()


def test_member_cannot_open_someone_elses_attempt(assessment, linked_member, members, client):
    other = services.start_attempt(members["a1"][2], assessment)
    client.force_login(linked_member[1])
    assert client.get(f"/skills/me/attempts/{other.pk}/").status_code == 404


def test_self_enrolment(session, linked_member, client):
    member, user = linked_member
    client.force_login(user)
    assert session.course.title in client.get("/skills/me/").content.decode()
    client.post(f"/skills/me/sessions/{session.pk}/enrol/")
    assert session.enrolments.get(member=member).source == "self"


def test_report_and_leave_behind_export(
    session, members, definition, competences, officer_a, client_for
):
    a = members["a1"][0]
    for code in ("1.1", "2.3", "4.2"):
        SkillRecord.objects.create(
            member=a,
            competence=competences[code],
            step=2,
            source="import",
            achieved_on=timezone.localdate(),
        )
    client = client_for(officer_a)
    body = client.get("/skills/units/ZONE/report/").content.decode()
    assert 'data-testid="meeting"' in body
    response = client.get("/skills/units/ZONE/leave-no-one-behind/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # streamed: lists can be long
    rows = list(csv.reader(io.StringIO(text)))
    names = {r[0] for r in rows[1:]}
    assert rows[0][0] == "Họ và tên"
    assert a.full_name not in names and members["a1"][1].full_name in names
    assert members["b1"][0].full_name not in names  # another subtree
    assert len(rows) == 1 + 4  # a1 ×2, a2 ×2
    xlsx = client.get("/skills/units/ZONE/leave-no-one-behind/", {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api_report_and_enrol(session, members, definition, officer_a, api_client_for):
    api = api_client_for(officer_a)
    r = api.post(
        f"/api/v1/skills/sessions/{session.pk}/enrol",
        {"unit": "ZONE", "not_meeting_definition": definition.pk},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["enrolled"] == 5
    report = api.get("/api/v1/skills/units/ZONE/report").json()
    assert report["active"] == 5 and report["meeting"] == 0
    lst = api.get("/api/v1/skills/units/ZONE/leave-no-one-behind").json()
    assert lst["count"] == 5


def test_api_attest_validation(members, officer_a, api_client_for):
    api = api_client_for(officer_a)
    m = members["a1"][0]
    r = api.post(
        f"/api/v1/skills/members/{m.pk}/records",
        {"competence": "1.1", "step": 3, "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    r = api.post(
        f"/api/v1/skills/members/{m.pk}/records",
        {"competence": "1.1", "step": 3, "reason": "Kiểm tra thực hành"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["version"] == "TT02-2025"


def test_session_list_query_count(
    session, members, officer_a, client_for, django_assert_max_num_queries
):
    client = client_for(officer_a)
    client.get("/skills/sessions/")
    with django_assert_max_num_queries(12):
        assert client.get("/skills/sessions/").status_code == 200


def test_framework_page_and_edit(admin_user, competences, client_for):
    client = client_for(admin_user)
    assert "Khai thác dữ liệu và thông tin" in client.get("/skills/framework/").content.decode()
    c = competences["1.2"]
    client.post(
        f"/skills/framework/competences/{c.pk}/edit/",
        {
            "name_vi": "Đánh giá dữ liệu, thông tin và nội dung số",
            "name_en": "Evaluating",
            "description": "",
        },
    )
    c.refresh_from_db()
    assert not c.needs_check and c.history.first().history_user == admin_user
