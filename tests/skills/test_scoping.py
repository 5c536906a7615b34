"""An administrator of the sibling subtree (WARD) gets 404 on every skills page and endpoint
about ZONE's sessions, courses, members, records and certificates."""

from __future__ import annotations

import pytest

from congdoan.skills import services
from congdoan.skills.choices import CheckInMethod
from congdoan.skills.models import (
    Assessment,
    Campaign,
    CompetenceArea,
    DigitalSkillsDefinition,
    TrainingPlan,
)
from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

from .conftest import make_member


@pytest.fixture
def scoped(tree, session, course, assessment, competences, officer_a):
    member = make_member(tree.gr_a1, "Đỗ Thị Hoa", gender="female")
    services.enrol_members(officer_a, session, [member.pk])
    services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    services.close_session(officer_a, session)
    tree.member = member
    tree.session = session
    tree.course = course
    tree.assessment = assessment
    tree.enrolment = session.enrolments.get(member=member)
    tree.record = member.skill_records.first()
    tree.certificate = member.skill_certificates.get()
    tree.definition = DigitalSkillsDefinition.objects.create(
        unit=tree.zone, name="ZONE", valid_from="2025-01-01"
    )
    tree.definition.competences.set([competences["1.1"]])
    tree.campaign = Campaign.objects.create(
        unit=tree.zone,
        name="Bình dân học vụ số KCN",
        starts_on="2025-03-01",
        ends_on="2027-12-31",
        definition=tree.definition,
    )
    tree.plan = TrainingPlan.objects.create(
        unit=tree.gr_a1,
        title="Vận hành máy",
        starts_on="2026-01-01",
        ends_on="2026-06-30",
        planned_count=40,
    )
    tree.competence = competences["1.1"]
    tree.area = CompetenceArea.objects.get(version__is_current=True, code="1")
    return tree


def _cert(t):
    return t.certificate.number


ROUTES = [
    ScopedRoute(
        "skills:competence_edit", lambda t: f"/skills/framework/competences/{t.competence.pk}/edit/"
    ),
    ScopedRoute(
        "skills:competence_edit",
        lambda t: f"/skills/framework/competences/{t.competence.pk}/edit/",
        "post",
        {"name_vi": "x"},
    ),
    ScopedRoute(
        "skills:area_edit",
        lambda t: f"/skills/framework/areas/{t.area.pk}/edit/",
        "post",
        {"name_vi": "x"},
    ),
    ScopedRoute("skills:definition_edit", lambda t: f"/skills/definitions/{t.definition.pk}/edit/"),
    ScopedRoute(
        "skills:definition_edit",
        lambda t: f"/skills/definitions/{t.definition.pk}/edit/",
        "post",
        {"name": "x"},
    ),
    ScopedRoute("skills:course_detail", lambda t: f"/skills/courses/{t.course.pk}/"),
    ScopedRoute("skills:course_edit", lambda t: f"/skills/courses/{t.course.pk}/edit/"),
    ScopedRoute(
        "skills:course_edit",
        lambda t: f"/skills/courses/{t.course.pk}/edit/",
        "post",
        {"title": "x"},
    ),
    ScopedRoute(
        "skills:material_add",
        lambda t: f"/skills/courses/{t.course.pk}/materials/new/",
        "post",
        {"title": "x", "url": "https://example.org"},
    ),
    ScopedRoute("skills:session_detail", lambda t: f"/skills/sessions/{t.session.pk}/"),
    ScopedRoute("skills:session_edit", lambda t: f"/skills/sessions/{t.session.pk}/edit/"),
    ScopedRoute("skills:session_qr", lambda t: f"/skills/sessions/{t.session.pk}/qr.svg"),
    ScopedRoute("skills:session_enrol", lambda t: f"/skills/sessions/{t.session.pk}/enrol/?q=Hoa"),
    ScopedRoute(
        "skills:session_enrol",
        lambda t: f"/skills/sessions/{t.session.pk}/enrol/",
        "post",
        {"member": ["1"]},
    ),
    ScopedRoute(
        "skills:session_bulk_enrol",
        lambda t: f"/skills/sessions/{t.session.pk}/enrol/bulk/",
        "post",
        {"unit": "WARD"},
    ),
    ScopedRoute(
        "skills:session_attendance",
        lambda t: f"/skills/sessions/{t.session.pk}/attendance/",
        "post",
        {"present": ["1"], "day": "2026-01-01"},
    ),
    ScopedRoute(
        "skills:session_close", lambda t: f"/skills/sessions/{t.session.pk}/close/", "post"
    ),
    ScopedRoute(
        "skills:enrolment_cancel",
        lambda t: f"/skills/sessions/{t.session.pk}/enrolments/{t.enrolment.pk}/cancel/",
        "post",
    ),
    ScopedRoute("skills:assessment_edit", lambda t: f"/skills/assessments/{t.assessment.pk}/edit/"),
    ScopedRoute("skills:member_skills", lambda t: f"/skills/members/{t.member.pk}/"),
    ScopedRoute(
        "skills:member_attest",
        lambda t: f"/skills/members/{t.member.pk}/attest/",
        "post",
        {"competence": "1", "step": "3", "reason": "x", "achieved_on": "2026-01-01"},
    ),
    ScopedRoute(
        "skills:record_revoke",
        lambda t: f"/skills/records/{t.record.pk}/withdraw/",
        "post",
        {"reason": "x"},
    ),
    ScopedRoute("skills:certificate_pdf", lambda t: f"/skills/certificates/{_cert(t)}.pdf"),
    ScopedRoute(
        "skills:certificate_revoke",
        lambda t: f"/skills/certificates/{_cert(t)}/revoke/",
        "post",
        {"reason": "x"},
    ),
    ScopedRoute("skills:campaign_detail", lambda t: f"/skills/campaigns/{t.campaign.pk}/"),
    ScopedRoute("skills:plan_edit", lambda t: f"/skills/plans/{t.plan.pk}/edit/"),
    ScopedRoute(
        "skills:plan_edit", lambda t: f"/skills/plans/{t.plan.pk}/edit/", "post", {"title": "x"}
    ),
    ScopedRoute("skills:definition_new", lambda t: "/skills/units/ZONE/definitions/new/"),
    ScopedRoute(
        "skills:course_new",
        lambda t: "/skills/units/ZONE/courses/new/",
        "post",
        {"code": "X", "title": "x"},
    ),
    ScopedRoute("skills:session_new", lambda t: "/skills/units/GR-A1/sessions/new/"),
    ScopedRoute("skills:question_new", lambda t: "/skills/units/ZONE/questions/new/"),
    ScopedRoute("skills:assessment_new", lambda t: "/skills/units/ZONE/assessments/new/"),
    ScopedRoute("skills:campaign_new", lambda t: "/skills/units/ZONE/campaigns/new/"),
    ScopedRoute("skills:plan_new", lambda t: "/skills/units/GR-A1/plans/new/"),
    ScopedRoute("skills:report", lambda t: "/skills/units/ZONE/report/"),
    ScopedRoute("skills:leave_behind", lambda t: "/skills/units/ZONE/leave-no-one-behind/"),
    ScopedRoute(
        "skills:leave_behind", lambda t: "/skills/units/ZONE/leave-no-one-behind/?format=xlsx"
    ),
    # The member's own pages: an officer without a member record has none of them.
    ScopedRoute("skills:my_enrol", lambda t: f"/skills/me/sessions/{t.session.pk}/enrol/", "post"),
    ScopedRoute("skills:my_assessment", lambda t: f"/skills/me/assessments/{t.assessment.pk}/"),
    ScopedRoute("skills:my_attempt", lambda t: "/skills/me/attempts/1/"),
    # Public by design (QR codes): they answer 404 to anything but the exact secret token or
    # certificate number; what they show is tested in test_public.py.
]

API_ROUTES = [
    ("get", lambda t: f"/api/v1/skills/sessions/{t.session.pk}", None),
    ("get", lambda t: "/api/v1/skills/sessions?unit=ZONE", None),
    ("post", lambda t: f"/api/v1/skills/sessions/{t.session.pk}/enrol", {"member_ids": [1]}),
    (
        "post",
        lambda t: f"/api/v1/skills/sessions/{t.session.pk}/attendance",
        {"day": "2026-01-01", "present": [1]},
    ),
    ("post", lambda t: f"/api/v1/skills/sessions/{t.session.pk}/check-in", {"member_id": 1}),
    ("post", lambda t: f"/api/v1/skills/sessions/{t.session.pk}/close", {}),
    ("get", lambda t: f"/api/v1/skills/members/{t.member.pk}/profile", None),
    ("get", lambda t: f"/api/v1/skills/members/{t.member.pk}/records", None),
    (
        "post",
        lambda t: f"/api/v1/skills/members/{t.member.pk}/records",
        {"competence": "1.1", "step": 2, "reason": "x"},
    ),
    ("get", lambda t: "/api/v1/skills/units/ZONE/report", None),
    ("get", lambda t: "/api/v1/skills/units/ZONE/leave-no-one-behind", None),
    ("get", lambda t: f"/api/v1/certificates/{_cert(t)}", None),
    ("get", lambda t: f"/api/v1/certificates/{_cert(t)}/pdf", None),
    ("get", lambda t: "/api/v1/certificates?unit=ZONE", None),
    ("get", lambda t: f"/api/v1/certificates?member={t.member.pk}", None),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_sibling_admin_gets_404(route, scoped, ward_admin, client_for):
    assert_hidden(client_for(ward_admin), route.build(scoped), route.method, route.data)


@pytest.mark.parametrize("method,build,payload", API_ROUTES)
def test_api_sibling_gets_404(method, build, payload, scoped, ward_admin, api_client_for):
    client = api_client_for(ward_admin)
    url = build(scoped)
    assert_api_hidden(client, method, url, payload)


def test_sibling_lists_show_nothing_of_zone(scoped, officer_b, client_for, api_client_for):
    client = client_for(officer_b)
    for url in (
        "/skills/sessions/",
        "/skills/courses/",
        "/skills/certificates/",
        "/skills/assessments/",
        "/skills/campaigns/",
        "/skills/plans/",
        "/skills/definitions/",
        "/skills/questions/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (
            "Sử dụng ứng dụng VNeID",
            "Đỗ Thị Hoa",
            "Bình dân học vụ số KCN",
            "Vận hành máy",
            "Bảo vệ dữ liệu cá nhân – bậc 2",
            "mật khẩu nào an toàn",
        ):
            assert secret not in body, (url, secret)
    api = api_client_for(officer_b)
    assert api.get("/api/v1/certificates").json() == {"items": [], "count": 0}
    assert api.get("/api/v1/skills/sessions").json() == {"items": [], "count": 0}
    assert api.get("/api/v1/skills/courses").json()["count"] == 0


def test_zone_officer_sees_them(scoped, officer_a, client_for, api_client_for):
    client = client_for(officer_a)
    assert client.get(f"/skills/sessions/{scoped.session.pk}/").status_code == 200
    assert client.get(f"/skills/members/{scoped.member.pk}/").status_code == 200
    assert client.get("/skills/units/ZONE/report/").status_code == 200
    data = api_client_for(officer_a).get("/api/v1/certificates", {"unit": "ZONE"}).json()
    assert data["count"] == 1 and data["items"][0]["number"] == scoped.certificate.number


def test_framework_pages_only_for_federation_admin(scoped, admin_user, zone_admin, client_for):
    assert (
        client_for(zone_admin)
        .get(f"/skills/framework/competences/{scoped.competence.pk}/edit/")
        .status_code
        == 404
    )
    assert (
        client_for(admin_user)
        .get(f"/skills/framework/competences/{scoped.competence.pk}/edit/")
        .status_code
        == 200
    )


def test_unused_assessment_is_owned_by_zone(scoped):
    assert Assessment.objects.get(pk=scoped.assessment.pk).unit.code == "ZONE"
