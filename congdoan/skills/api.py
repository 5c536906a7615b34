"""The skills movement over the API (``/api/v1/skills/…``), same scoping as the pages.

Certificates are served at ``/api/v1/certificates`` (``EXTRA_ROUTERS``, mounted by
``congdoan/api.py`` beside this app's own prefix).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from congdoan.common.api_schemas import PDF_FILE, Page, responses
from congdoan.common.errors import NotAllowed
from congdoan.members.models import Member
from congdoan.members.queries import visible_member
from congdoan.org.models import Unit
from congdoan.org.queries import visible_unit

from . import certificates as certificate_files
from . import queries, services
from .choices import CheckInMethod
from .models import (
    Certificate,
    Competence,
    Course,
    DigitalSkillsDefinition,
    FrameworkVersion,
    TrainingSession,
)

PREFIX = "skills"
router = Router(tags=["skills"])


class CompetenceOut(Schema):
    code: str
    area: str = Field(alias="area.code")
    name_vi: str
    name_en: str
    needs_check: bool
    version: str = Field(alias="version.code")


class CourseOut(Schema):
    id: int
    code: str
    title: str
    mode: str
    hours: float
    target_step: int
    unit: str = Field(alias="unit.code")
    competences: list[str]

    @staticmethod
    def resolve_competences(obj) -> list[str]:
        return sorted(c.code for c in obj.competences.all())


class SessionOut(Schema):
    id: int
    code: str
    course: str = Field(alias="course.code")
    course_title: str = Field(alias="course.title")
    unit: str = Field(alias="unit.code")
    starts_on: datetime.date
    ends_on: datetime.date
    meeting_count: int
    venue: str
    online_url: str
    trainer_name: str
    capacity: int | None
    walk_ins: bool
    audience: str
    status: str


class EnrolIn(Schema):
    member_ids: list[int] = []
    unit: str | None = None
    not_meeting_definition: int | None = None


class EnrolOut(Schema):
    enrolled: int
    already: int
    over_capacity: int


class AttendanceIn(Schema):
    day: datetime.date
    present: list[int]
    absent: list[int] = []


class AttendanceOut(Schema):
    marked: int
    removed: int


class CheckInIn(Schema):
    member_id: int
    day: datetime.date | None = None


class CloseOut(Schema):
    completed: int
    not_completed: int


class CheckInOut(Schema):
    member_id: int
    day: datetime.date
    created: bool


class DefinitionFlag(Schema):
    id: int
    name: str
    unit: str
    met: bool


class ProfileOut(Schema):
    member_id: int
    steps: dict[str, int]
    definitions: list[DefinitionFlag]


class AttestIn(Schema):
    competence: str
    step: int
    reason: str
    achieved_on: datetime.date | None = None


class RecordOut(Schema):
    id: int
    competence: str = Field(alias="competence.code")
    version: str = Field(alias="competence.version.code")
    step: int
    source: str
    achieved_on: datetime.date
    reason: str


class ReportOut(Schema):
    unit: str
    as_of: datetime.date
    definition: int | None
    active: int
    trained: int
    meeting: int
    meeting_percent: float
    by_competence: dict[str, int]


class LeaveBehindOut(Schema):
    id: int
    full_name: str
    unit: str = Field(alias="unit.code")
    phone: str
    last_training_on: datetime.date | None
    last_training_course: str | None


class CertificateOut(Schema):
    number: str
    member_id: int
    holder_name: str
    course: str = Field(alias="course.code")
    course_title: str
    unit: str = Field(alias="unit.code")
    unit_name: str
    issued_on: datetime.date
    revoked: bool = Field(alias="is_revoked")
    revoke_reason: str


def _definition(request, pk: int | None, unit: Unit) -> DigitalSkillsDefinition | None:
    """The definition asked for (404 when the user cannot see it), else the unit's default."""
    if pk is None:
        return queries.default_definition(unit)
    return queries.visible_definition(request.user, pk)


@router.get("/competences", response=responses({200: list[CompetenceOut]}, 401, 403))
def list_competences(request):
    """The competences of the current framework version (codes are stable across versions)."""
    return Competence.objects.filter(version=FrameworkVersion.current()).select_related(
        "area", "version"
    )


@router.get("/courses", response=responses({200: list[CourseOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_courses(request, q: str | None = None):
    qs = (
        Course.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("competences")
    )
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.order_by("title")


@router.get("/sessions", response=responses({200: list[SessionOut]}, 400, 401, 403, 404, 422))
@paginate(Page)
def list_sessions(request, unit: str | None = None, status: str | None = None):
    qs = TrainingSession.objects.visible_to(request.user).select_related("course", "unit")
    if unit:
        qs = qs.in_subtree(visible_unit(request.user, unit))
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/sessions/{session_id}", response=responses({200: SessionOut}, 401, 403, 404, 422))
def get_session(request, session_id: int):
    return queries.visible_session(request.user, session_id)


@router.post(
    "/sessions/{session_id}/enrol",
    response=responses({200: EnrolOut}, 400, 401, 403, 404, 413, 422),
)
def enrol(request, session_id: int, payload: EnrolIn):
    """Enrol members by id, or every active member of ``unit``'s subtree (optionally only those
    not meeting the definition ``not_meeting_definition``)."""
    session = queries.visible_session(request.user, session_id)
    if payload.unit:
        unit = visible_unit(request.user, payload.unit)
        definition = (
            _definition(request, payload.not_meeting_definition, unit)
            if payload.not_meeting_definition
            else None
        )
        return 200, services.bulk_enrol(request.user, session, unit, definition=definition)
    return 200, services.enrol_members(request.user, session, payload.member_ids)


@router.post(
    "/sessions/{session_id}/attendance",
    response=responses({200: AttendanceOut}, 400, 401, 403, 404, 413, 422),
)
def attendance(request, session_id: int, payload: AttendanceIn):
    session = queries.visible_session(request.user, session_id)
    return 200, services.mark_attendance(
        request.user, session, payload.present, payload.day, payload.absent
    )


@router.post(
    "/sessions/{session_id}/check-in",
    response=responses({200: CheckInOut}, 400, 401, 403, 404, 413, 422),
)
def check_in(request, session_id: int, payload: CheckInIn):
    """A trainer's device checks a member in (e.g. a scanner reading member cards)."""
    session = queries.visible_session(request.user, session_id)
    if not services.can_mark_attendance(request.user, session):
        raise NotAllowed("")
    member = visible_member(request.user, payload.member_id)
    attendance_row, created = services.check_in(
        session, member, method=CheckInMethod.TRAINER, recorded_by=request.user, day=payload.day
    )
    return 200, {"member_id": member.pk, "day": attendance_row.day, "created": created}


@router.post(
    "/sessions/{session_id}/close", response=responses({200: CloseOut}, 401, 403, 404, 422)
)
def close(request, session_id: int):
    session = queries.visible_session(request.user, session_id)
    return 200, services.close_session(request.user, session)


@router.get(
    "/members/{member_id}/profile", response=responses({200: ProfileOut}, 401, 403, 404, 422)
)
def member_profile(request, member_id: int):
    member = visible_member(request.user, member_id)
    data = queries.profile(member)
    return {
        "member_id": member.pk,
        "steps": data["steps"],
        "definitions": [
            {
                "id": d["definition"].pk,
                "name": d["definition"].name,
                "unit": d["definition"].unit.code,
                "met": d["met"],
            }
            for d in data["definitions"]
        ],
    }


@router.get(
    "/members/{member_id}/records",
    response=responses({200: list[RecordOut]}, 401, 403, 404, 422),
)
def member_records(request, member_id: int):
    member = visible_member(request.user, member_id)
    return member.skill_records.select_related("competence__version").filter(
        revoked_at__isnull=True
    )


@router.post(
    "/members/{member_id}/records",
    response=responses({201: RecordOut}, 400, 401, 403, 404, 413, 422),
)
def attest(request, member_id: int, payload: AttestIn):
    member = visible_member(request.user, member_id)
    competence = Competence.objects.filter(
        version=FrameworkVersion.current(), code=payload.competence
    ).first()
    if competence is None:
        raise ValidationError({"competence": "Unknown competence code."})
    return 201, services.attest_skill(
        request.user, member, competence, payload.step, payload.reason, payload.achieved_on
    )


@router.get("/units/{code}/report", response=responses({200: ReportOut}, 400, 401, 403, 404, 422))
def report(request, code: str, definition: int | None = None, as_of: datetime.date | None = None):
    unit = visible_unit(request.user, code)
    d = _definition(request, definition, unit)
    data = queries.unit_report(unit, d, as_of or timezone.localdate())
    return {
        "unit": unit.code,
        "as_of": data["as_of"],
        "definition": d.pk if d else None,
        "active": data["active"],
        "trained": data["trained"],
        "meeting": data["meeting"],
        "meeting_percent": data["meeting_percent"],
        "by_competence": {c.code: n for c, n in data["competences"]},
    }


@router.get(
    "/units/{code}/leave-no-one-behind",
    response=responses({200: list[LeaveBehindOut]}, 400, 401, 403, 404, 422),
)
@paginate(Page)
def leave_behind(
    request,
    code: str,
    definition: int | None = None,
    q: str | None = None,
    never_trained: bool = False,
):
    unit = visible_unit(request.user, code)
    d = _definition(request, definition, unit)
    if d is None:
        return Member.objects.none()
    return queries.leave_behind(
        unit,
        d,
        queryset=Member.objects.visible_to(request.user),
        q=q or "",
        never_trained=never_trained,
    )


def make_certificates_router(name: str) -> Router:
    """The certificate endpoints: list, one, PDF. A factory, so the same endpoints can be
    mounted at two places (a ninja router attaches to one parent only)."""
    r = Router(tags=["certificates"])

    @r.get(
        "",
        response=responses({200: list[CertificateOut]}, 400, 401, 403, 404, 422),
        operation_id=f"{name}_list",
    )
    @paginate(Page)
    def list_certificates(request, unit: str | None = None, member: int | None = None):
        """Certificates in scope; ``unit`` selects by issuing unit or holder's unit (subtree)."""
        qs = Certificate.objects.visible_to(request.user).select_related("course", "unit")
        if unit:
            qs = qs.in_subtree(visible_unit(request.user, unit))
        if member is not None:
            qs = qs.filter(member_id=visible_member(request.user, member).pk)
        return qs.order_by("-issued_on", "-pk")

    @r.get(
        "/{number}",
        response=responses({200: CertificateOut}, 401, 403, 404, 422),
        operation_id=f"{name}_get",
    )
    def get_certificate(request, number: str):
        return queries.visible_certificate(request.user, number)

    @r.get(
        "/{number}/pdf",
        response=responses({200: None}, 401, 403, 404, 422),
        openapi_extra=PDF_FILE,
        operation_id=f"{name}_pdf",
    )
    def certificate_pdf(request, number: str):
        certificate = queries.visible_certificate(request.user, number)
        return certificate_files.pdf_response(certificate)

    return r


certificates_router = make_certificates_router("certificates")
EXTRA_ROUTERS = {"certificates": certificates_router}
