"""Choices of the digital skills movement: proficiency levels and steps, course modes, sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The four proficiency levels of Circular 02/2025/TT-BGDĐT, two steps each."""

    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    SPECIALISED = "specialised", _("Specialised")


STEPS = range(1, 9)
STEP_CHOICES = [(n, str(n)) for n in STEPS]
_LEVEL_OF_STEP = {
    1: Level.BASIC,
    2: Level.BASIC,
    3: Level.INTERMEDIATE,
    4: Level.INTERMEDIATE,
    5: Level.ADVANCED,
    6: Level.ADVANCED,
    7: Level.SPECIALISED,
    8: Level.SPECIALISED,
}


def level_of_step(step: int) -> Level:
    return _LEVEL_OF_STEP[int(step)]


def step_label(step: int) -> str:
    """``"2 · Basic"``: the step with the level it belongs to."""
    return f"{step} · {level_of_step(step).label}"


class DefinitionPurpose(models.TextChoices):
    """Which of the "Digital Education for All" targets a definition measures (shared/DOMAIN.md)."""

    MEMBERS = "members", _("Union members and workers")
    ENTERPRISE_WORKERS = "enterprise_workers", _("Enterprise workers")
    PUBLIC_SECTOR = "public_sector", _("Public-sector staff")
    BASIC_ADULTS = "basic_adults", _("Adults with basic digital skills")


class CourseMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for check-in")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentSource(models.TextChoices):
    BULK = "bulk", _("Bulk enrolment")
    OFFICER = "officer", _("Enrolled by an officer")
    SELF = "self", _("Self-enrolment")
    WALK_IN = "walk_in", _("Walk-in at check-in")
    IMPORT = "import", _("Imported attendance sheet")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CheckInMethod(models.TextChoices):
    QR_ACCOUNT = "qr_account", _("QR code, logged in")
    QR_IDENTITY = "qr_identity", _("QR code, CCCD and date of birth")
    TRAINER = "trainer", _("Marked by the trainer")
    IMPORT = "import", _("Imported attendance sheet")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")


class RecordSource(models.TextChoices):
    ASSESSMENT = "assessment", _("Passed assessment")
    COURSE = "course", _("Course completion")
    ATTESTATION = "attestation", _("Officer attestation")
    IMPORT = "import", _("Imported record")
