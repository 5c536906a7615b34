from django.urls import path

from . import views

app_name = "skills"

urlpatterns = [
    path("skills/", views.home, name="home"),
    path("skills/framework/", views.framework, name="framework"),
    path(
        "skills/framework/competences/<int:pk>/edit/", views.competence_edit, name="competence_edit"
    ),
    path("skills/framework/areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("skills/definitions/", views.definitions, name="definitions"),
    path("skills/definitions/<int:pk>/edit/", views.definition_edit, name="definition_edit"),
    path("skills/courses/", views.courses, name="courses"),
    path("skills/courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("skills/courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("skills/courses/<int:pk>/materials/new/", views.material_add, name="material_add"),
    path("skills/sessions/", views.sessions, name="sessions"),
    path("skills/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("skills/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("skills/sessions/<int:pk>/qr.svg", views.session_qr, name="session_qr"),
    path("skills/sessions/<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path(
        "skills/sessions/<int:pk>/enrol/bulk/", views.session_bulk_enrol, name="session_bulk_enrol"
    ),
    path(
        "skills/sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"
    ),
    path("skills/sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path(
        "skills/sessions/<int:pk>/enrolments/<int:enrolment_id>/cancel/",
        views.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path("skills/checkin/<str:token>/", views.checkin, name="checkin"),
    path("skills/questions/", views.questions, name="questions"),
    path("skills/assessments/", views.assessments, name="assessments"),
    path("skills/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("skills/members/<int:member_id>/", views.member_skills, name="member_skills"),
    path("skills/members/<int:member_id>/attest/", views.member_attest, name="member_attest"),
    path("skills/records/<int:pk>/withdraw/", views.record_revoke, name="record_revoke"),
    path("skills/certificates/", views.certificate_list, name="certificates"),
    path("skills/certificates/<str:number>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path(
        "skills/certificates/<str:number>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("verify/certificate/<str:number>", views.verify_certificate, name="verify_certificate"),
    path("skills/campaigns/", views.campaigns, name="campaigns"),
    path("skills/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("skills/plans/", views.plans, name="plans"),
    path("skills/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    # Creating items for a unit
    path("skills/units/<str:code>/definitions/new/", views.definition_new, name="definition_new"),
    path("skills/units/<str:code>/courses/new/", views.course_new, name="course_new"),
    path("skills/units/<str:code>/sessions/new/", views.session_new, name="session_new"),
    path("skills/units/<str:code>/questions/new/", views.question_new, name="question_new"),
    path("skills/units/<str:code>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("skills/units/<str:code>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("skills/units/<str:code>/plans/new/", views.plan_new, name="plan_new"),
    path("skills/units/<str:code>/report/", views.report, name="report"),
    path("skills/units/<str:code>/leave-no-one-behind/", views.leave_behind, name="leave_behind"),
    # The member's own pages (the member portal links here)
    path("skills/me/", views.my_skills, name="my_skills"),
    path("skills/me/sessions/<int:pk>/enrol/", views.my_enrol, name="my_enrol"),
    path("skills/me/assessments/<int:pk>/", views.my_assessment, name="my_assessment"),
    path("skills/me/attempts/<int:pk>/", views.my_attempt, name="my_attempt"),
]
