"""The skills pages' addresses, each to its group's module in ``views/``."""

from django.urls import path

from .views import (
    assessments,
    campaigns,
    certificates,
    courses,
    framework,
    me,
    members,
    reports,
    sessions,
)

app_name = "skills"

urlpatterns = [
    path("skills/", framework.home, name="home"),
    path("skills/framework/", framework.framework, name="framework"),
    path(
        "skills/framework/competences/<int:pk>/edit/",
        framework.competence_edit,
        name="competence_edit",
    ),
    path("skills/framework/areas/<int:pk>/edit/", framework.area_edit, name="area_edit"),
    path("skills/definitions/", framework.definitions, name="definitions"),
    path("skills/definitions/<int:pk>/edit/", framework.definition_edit, name="definition_edit"),
    path("skills/courses/", courses.courses, name="courses"),
    path("skills/courses/<int:pk>/", courses.course_detail, name="course_detail"),
    path("skills/courses/<int:pk>/edit/", courses.course_edit, name="course_edit"),
    path("skills/courses/<int:pk>/materials/new/", courses.material_add, name="material_add"),
    path("skills/sessions/", sessions.sessions, name="sessions"),
    path("skills/sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("skills/sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("skills/sessions/<int:pk>/qr.svg", sessions.session_qr, name="session_qr"),
    path("skills/sessions/<int:pk>/enrol/", sessions.session_enrol, name="session_enrol"),
    path(
        "skills/sessions/<int:pk>/enrol/bulk/",
        sessions.session_bulk_enrol,
        name="session_bulk_enrol",
    ),
    path(
        "skills/sessions/<int:pk>/attendance/",
        sessions.session_attendance,
        name="session_attendance",
    ),
    path("skills/sessions/<int:pk>/close/", sessions.session_close, name="session_close"),
    path(
        "skills/sessions/<int:pk>/enrolments/<int:enrolment_id>/cancel/",
        sessions.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path("skills/checkin/<str:token>/", sessions.checkin, name="checkin"),
    path("skills/questions/", assessments.questions, name="questions"),
    path("skills/assessments/", assessments.assessments, name="assessments"),
    path("skills/assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment_edit"),
    path("skills/members/<int:member_id>/", members.member_skills, name="member_skills"),
    path("skills/members/<int:member_id>/attest/", members.member_attest, name="member_attest"),
    path("skills/records/<int:pk>/withdraw/", members.record_revoke, name="record_revoke"),
    path("skills/certificates/", certificates.certificate_list, name="certificates"),
    path(
        "skills/certificates/<str:number>.pdf", certificates.certificate_pdf, name="certificate_pdf"
    ),
    path(
        "skills/certificates/<str:number>/revoke/",
        certificates.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "verify/certificate/<str:number>",
        certificates.verify_certificate,
        name="verify_certificate",
    ),
    path("skills/campaigns/", campaigns.campaigns, name="campaigns"),
    path("skills/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("skills/plans/", campaigns.plans, name="plans"),
    path("skills/plans/<int:pk>/edit/", campaigns.plan_edit, name="plan_edit"),
    # Creating items for a unit
    path(
        "skills/units/<str:code>/definitions/new/", framework.definition_new, name="definition_new"
    ),
    path("skills/units/<str:code>/courses/new/", courses.course_new, name="course_new"),
    path("skills/units/<str:code>/sessions/new/", sessions.session_new, name="session_new"),
    path("skills/units/<str:code>/questions/new/", assessments.question_new, name="question_new"),
    path(
        "skills/units/<str:code>/assessments/new/",
        assessments.assessment_new,
        name="assessment_new",
    ),
    path("skills/units/<str:code>/campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("skills/units/<str:code>/plans/new/", campaigns.plan_new, name="plan_new"),
    path("skills/units/<str:code>/report/", reports.report, name="report"),
    path("skills/units/<str:code>/leave-no-one-behind/", reports.leave_behind, name="leave_behind"),
    # The member's own pages (the member portal links here)
    path("skills/me/", me.my_skills, name="my_skills"),
    path("skills/me/sessions/<int:pk>/enrol/", me.my_enrol, name="my_enrol"),
    path("skills/me/assessments/<int:pk>/", me.my_assessment, name="my_assessment"),
    path("skills/me/attempts/<int:pk>/", me.my_attempt, name="my_attempt"),
]
