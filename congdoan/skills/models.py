"""The digital skills movement: competence framework, skill definitions, courses, sessions,
question banks and assessments, skill records, certificates, campaigns and training plans.

The framework is data (Circular 02/2025/TT-BGDĐT: 6 areas, 24 competences, 8 steps), kept
per version: a skill record points at the competence row of the version it was earned
under, and definitions compare by competence *code*, so a new version does not erase what
members already earned.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congdoan.org.models import Unit

from .choices import (
    STEP_CHOICES,
    CheckInMethod,
    CourseMode,
    DefinitionPurpose,
    EnrolmentSource,
    EnrolmentStatus,
    QuestionKind,
    RecordSource,
    SessionStatus,
    level_of_step,
)
from .scoping import (
    CatalogueQuerySet,
    CertificateQuerySet,
    MemberScopedQuerySet,
    ScopedQuerySet,
    SessionScopedQuerySet,
)

step_validators = [MinValueValidator(1), MaxValueValidator(8)]


def check_period(start: date | None, end: date | None, end_field: str = "ends_on") -> None:
    """A period may not end before it starts (either date may be missing yet)."""
    if start and end and end < start:
        raise ValidationError({end_field: _("The end date is before the start date.")})


def _localized(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") and en else vi


# --- Framework ------------------------------------------------------------------------------


class FrameworkVersion(models.Model):
    """One edition of the competence framework; exactly one is current."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"))
    is_current = models.BooleanField(_("current version"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_framework_version",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> FrameworkVersion | None:
        return cls.objects.filter(is_current=True).first()


class CompetenceArea(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=8)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["version", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_area_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def name(self) -> str:
        return _localized(self.name_vi, self.name_en)


class Competence(models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="competences"
    )
    area = models.ForeignKey(CompetenceArea, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=8, help_text=_("Stable code, e.g. 1.1."))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    needs_check = models.BooleanField(
        _("wording to be checked"),
        default=False,
        help_text=_("The name could not be checked against the circular's appendix yet."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["version", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_competence_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return _localized(self.name_vi, self.name_en)


class DefinitionQuerySet(CatalogueQuerySet):
    def in_force(self, as_of: date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=as_of), valid_from__lte=as_of)


class DigitalSkillsDefinition(models.Model):
    """What "has digital skills" means for one organisation, from a date: e.g. at least step 2
    in each of a chosen set of competences (or in N of them)."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="skill_definitions",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=255)
    purpose = models.CharField(
        _("target"),
        max_length=32,
        choices=DefinitionPurpose.choices,
        default=DefinitionPurpose.MEMBERS,
    )
    min_step = models.PositiveSmallIntegerField(
        _("minimum step"), choices=STEP_CHOICES, default=2, validators=step_validators
    )
    competences = models.ManyToManyField(
        Competence, verbose_name=_("competences"), related_name="+"
    )
    min_competences = models.PositiveSmallIntegerField(
        _("of which at least"),
        null=True,
        blank=True,
        help_text=_("Leave empty to require every chosen competence."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[competences])
    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("digital skills definition")
        verbose_name_plural = _("digital skills definitions")
        ordering = ["unit__path", "-valid_from"]

    def __str__(self) -> str:
        return self.name

    def codes(self) -> list[str]:
        return sorted({c.code for c in self.competences.all()})

    def required_count(self, codes: list[str] | None = None) -> int:
        total = len(codes if codes is not None else self.codes())
        if self.min_competences:
            return min(self.min_competences, total)
        return total

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def clean(self) -> None:
        check_period(self.valid_from, self.valid_to, "valid_to")


# --- Question bank and assessments -------------------------------------------------------------


class Question(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="skill_questions", verbose_name=_("owner")
    )
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, related_name="questions", verbose_name=_("competence")
    )
    step = models.PositiveSmallIntegerField(
        _("step"), choices=STEP_CHOICES, validators=step_validators
    )
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["competence__code", "step", "pk"]
        indexes = [models.Index(fields=["competence", "step", "active"])]

    def __str__(self) -> str:
        return self.text[:80]

    def correct_ids(self) -> set[int]:
        return {c.pk for c in self.choices.all() if c.is_correct}


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Assessment(models.Model):
    """A test drawn at random from the bank for one competence at one step."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="skill_assessments", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=255)
    competence = models.ForeignKey(
        Competence,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("competence"),
    )
    step = models.PositiveSmallIntegerField(
        _("step"), choices=STEP_CHOICES, validators=step_validators
    )
    question_count = models.PositiveSmallIntegerField(
        _("questions drawn"), default=10, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=20, validators=[MinValueValidator(1)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1)]
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["competence__code", "step", "title"]

    def __str__(self) -> str:
        return self.title

    def bank(self):
        return Question.objects.filter(
            competence__code=self.competence.code, step=self.step, active=True
        )


# --- Courses, campaigns, plans, sessions ------------------------------------------------------


class Course(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="skill_courses", verbose_name=_("owner")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    competences = models.ManyToManyField(
        Competence, verbose_name=_("competences"), related_name="courses"
    )
    target_step = models.PositiveSmallIntegerField(
        _("step reached"), choices=STEP_CHOICES, default=2, validators=step_validators
    )
    mode = models.CharField(
        _("mode"), max_length=12, choices=CourseMode.choices, default=CourseMode.IN_PERSON
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=4)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Share of the session's meetings a learner must attend to complete the course."
        ),
    )
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("assessment to pass"),
        help_text=_("When set, completion also needs a passed attempt of this assessment."),
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    active = models.BooleanField(_("in the catalogue"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[competences])
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def level(self):
        return level_of_step(self.target_step)


def material_path(instance, filename: str) -> str:
    return f"skills/materials/{instance.course_id}/{filename}"


class CourseMaterial(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=material_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.file and not self.url:
            raise ValidationError(_("Attach a file or give a link."))


class Campaign(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="skill_campaigns", verbose_name=_("organiser")
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_percent = models.PositiveSmallIntegerField(
        _("target share (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    definition = models.ForeignKey(
        DigitalSkillsDefinition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("skills definition measured"),
    )
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="+",
        verbose_name=_("units taking part"),
        help_text=_("Empty: the organiser's whole subtree."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_period(self.starts_on, self.ends_on)


class TrainingPlan(models.Model):
    """An enterprise training programme kept by a grassroots union: planned against actual."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="skill_plans", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    planned_count = models.PositiveIntegerField(_("planned learners"))
    actual_count = models.PositiveIntegerField(
        _("actual learners"),
        null=True,
        blank=True,
        help_text=_("Leave empty to count the learners who completed the plan's sessions."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_period(self.starts_on, self.ends_on)


def new_checkin_token() -> str:
    return secrets.token_urlsafe(18)


class TrainingSession(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="skill_sessions",
        verbose_name=_("organising unit"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    meeting_count = models.PositiveSmallIntegerField(
        _("number of meetings"), default=1, validators=[MinValueValidator(1)]
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="skill_sessions",
        verbose_name=_("trainer account"),
    )
    trainer_name = models.CharField(_("trainer"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    audience = models.CharField(_("target audience"), max_length=255, blank=True)
    walk_ins = models.BooleanField(
        _("takes walk-ins"),
        default=True,
        help_text=_(
            "Members of the organising unit who were not enrolled may enrol themselves when "
            "they check in at the session's QR code."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    checkin_token = models.CharField(
        max_length=32, unique=True, default=new_checkin_token, editable=False
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("campaign"),
    )
    plan = models.ForeignKey(
        TrainingPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("training plan"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["unit", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.starts_on:%d/%m/%Y}"

    def clean(self) -> None:
        check_period(self.starts_on, self.ends_on)
        if self.venue == "" and self.online_url == "":
            raise ValidationError({"venue": _("Give a venue or an online link.")})


# --- Member-linked records ----------------------------------------------------------------------


class Enrolment(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("session"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="skill_enrolments",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    source = models.CharField(_("how enrolled"), max_length=12, choices=EnrolmentSource.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = SessionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "member__name_folded"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="unique_enrolment")
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.session}"


class Attendance(models.Model):
    """One member present at one meeting (day) of a session. Unique: a check-in is never counted twice."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="skill_attendances"
    )
    day = models.DateField(_("day"))
    method = models.CharField(_("how recorded"), max_length=12, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SessionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member", "day"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.session_id} · {self.day}"


class Attempt(models.Model):
    """One try at an assessment: the questions drawn, the answers, the score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="skill_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    objects = MemberScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "member", "number"], name="unique_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class SkillRecordQuerySet(MemberScopedQuerySet):
    def valid_on(self, day: date):
        return self.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=day), achieved_on__lte=day
        )


class SkillRecord(models.Model):
    """Member × competence → step, with where it came from. Append-only: the rows of one member
    and competence are its history; the current step is the highest valid one."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="skill_records",
        verbose_name=_("member"),
    )
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, related_name="records", verbose_name=_("competence")
    )
    step = models.PositiveSmallIntegerField(
        _("step"), choices=STEP_CHOICES, validators=step_validators
    )
    source = models.CharField(_("source"), max_length=12, choices=RecordSource.choices)
    achieved_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    attempt = models.ForeignKey(
        Attempt,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("evidence: attempt"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("evidence: course"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for withdrawal"), max_length=255, blank=True)

    objects = SkillRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill record")
        verbose_name_plural = _("skill records")
        ordering = ["-achieved_on", "-pk"]
        indexes = [
            models.Index(fields=["member", "competence"]),
            models.Index(fields=["competence", "step", "achieved_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.competence.code} → {self.step}"


class Certificate(models.Model):
    """A completion certificate. Names are copied at issue: the PDF and the verification page
    keep saying what was certified even after a unit or course is renamed."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="skill_certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="skill_certificates",
        verbose_name=_("issuing unit"),
    )
    holder_name = models.CharField(_("holder"), max_length=150)
    course_title = models.CharField(_("course"), max_length=255)
    unit_name = models.CharField(_("issuing unit"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=255, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def masked_holder_name(self) -> str:
        """``Nguyễn V. A.``: the family name in full, the other names reduced to initials."""
        parts = self.holder_name.split()
        if len(parts) <= 1:
            return (parts[0][:1] + "***") if parts else ""
        return " ".join([parts[0], *[p[0] + "." for p in parts[1:]]])
