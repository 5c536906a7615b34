"""Member records, their lifecycle bookkeeping, transfers between subtrees, full-CCCD view
log and spreadsheet import jobs, and the scoped querysets every read of them goes through.

A member belongs to a grassroots unit (``unit``) and optionally to a union group under it
(``group``); scope is the unit's place in the tree. Nothing here is ever deleted: leaving,
dying and being merged into a duplicate are statuses, with the history of every change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congdoan.accounts.models import AnyUser
from congdoan.common import cccd
from congdoan.common.phone import display_phone
from congdoan.common.text import fold, normalize_text
from congdoan.org import divisions
from congdoan.org.paths import STEPLEN, root_path
from congdoan.org.scoping import UnitScopedQuerySet, scope_q

from .choices import (
    EducationLevel,
    Ethnicity,
    Gender,
    ImportStatus,
    MemberStatus,
    Qualification,
    Religion,
    TransferStatus,
)
from .search import search_q

# Fields a complete record must have (each weighs the same in the completeness score).
COMPLETENESS_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "cccd",
    "ethnicity",
    "religion",
    "education_level",
    "qualification",
    "phone",
    "permanent_province",
    "permanent_commune",
    "current_province",
    "current_commune",
    "job_title",
    "joined_on",
)

_CHECKED_COMPLETENESS_FIELDS = ("cccd", "permanent_commune", "current_commune")
_PLAIN_COMPLETENESS_FIELDS = tuple(
    name for name in COMPLETENESS_FIELDS if name not in _CHECKED_COMPLETENESS_FIELDS
)

# Members under one top-level unit share one tree, keyed by the root's path (its first
# ``STEPLEN`` characters): a citizen identity number is unique inside it.
TREE_KEY_LENGTH = STEPLEN


def tree_key(path: str) -> str:
    """The key of the tree that the unit at ``path`` belongs to (``Member.tree``)."""
    return root_path(path)


def given_first(folded: str) -> str:
    """``"nguyen van an"`` → ``"an nguyen van"`` (Vietnamese names end with the given name)."""
    words = folded.split(" ")
    return " ".join(words[-1:] + words[:-1])[:150]


class MemberQuerySet(UnitScopedQuerySet):
    def active(self) -> Self:
        return self.filter(status=MemberStatus.ACTIVE)

    def search(self, text: str) -> Self:
        """Accent- and case-insensitive name prefix, or identity/card/phone number."""
        q = search_q(text)
        if q is None:
            return self
        # Ordered by an expression no index provides: otherwise PostgreSQL walks the whole
        # name index in order, filtering, to find the first 50 matches (seconds at 1 M rows);
        # this way it collects the matches from the two prefix indexes and sorts them.
        return self.filter(q).order_by(Lower("name_folded"), "id")


class MemberManager(models.Manager.from_queryset(MemberQuerySet)):
    pass


class Member(models.Model):
    """One union member (đoàn viên). Change it only through ``members.services``."""

    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False)
    # The folded name with the given name first ("an nguyen van"): a prefix of it finds a member by
    # given name with an index range scan, as a prefix of ``name_folded`` does by full name.
    given_name_folded = models.CharField(max_length=150, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Official rosters often give only the year of birth: then ``date_of_birth`` holds 1 January
    # of it and this flag says that day and month are unknown (shown as "1990", never a date).
    birth_year_only = models.BooleanField(_("only the year of birth is known"), default=False)
    cccd = models.CharField(_("citizen identity number"), max_length=12, blank=True)
    cccd_exception = models.BooleanField(
        _("documented exception"),
        default=False,
        help_text=_("The number is right although it does not match the gender or year of birth."),
    )
    cccd_exception_reason = models.CharField(
        _("reason for the exception"), max_length=255, blank=True
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, blank=True
    )
    religion = models.CharField(_("religion"), max_length=16, choices=Religion.choices, blank=True)
    education_level = models.CharField(
        _("general education"), max_length=16, choices=EducationLevel.choices, blank=True
    )
    qualification = models.CharField(
        _("professional qualification"), max_length=16, choices=Qualification.choices, blank=True
    )
    phone = models.CharField(
        _("phone"), max_length=16, blank=True, help_text=_("E.164, e.g. +84912345678")
    )
    email = models.EmailField(_("email"), blank=True)
    permanent_province = models.PositiveIntegerField(
        _("permanent address: province"), null=True, blank=True
    )
    permanent_commune = models.PositiveIntegerField(
        _("permanent address: commune or ward"), null=True, blank=True
    )
    permanent_street = models.CharField(_("permanent address: street"), max_length=255, blank=True)
    current_province = models.PositiveIntegerField(
        _("current address: province"), null=True, blank=True
    )
    current_commune = models.PositiveIntegerField(
        _("current address: commune or ward"), null=True, blank=True
    )
    current_street = models.CharField(_("current address: street"), max_length=255, blank=True)

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("grassroots union"),
        db_index=False,  # the (unit, status) index serves every lookup by unit
    )
    group = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="group_members",
        null=True,
        blank=True,
        verbose_name=_("union group"),
        db_index=False,  # a partial index below: most members belong to no group
    )
    tree = models.CharField(max_length=TREE_KEY_LENGTH, editable=False)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    joined_on = models.DateField(_("joined the union on"), null=True, blank=True)
    card_number = models.CharField(_("union card number"), max_length=32, unique=True)

    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        db_index=False,  # a partial index below: almost every member is NULL here
    )
    # Used for dues; shown to finance roles only.
    monthly_salary = models.DecimalField(
        _("monthly salary for dues"), max_digits=14, decimal_places=0, null=True, blank=True
    )

    completeness = models.PositiveSmallIntegerField(
        _("completeness (%)"), default=0, editable=False
    )
    is_complete = models.BooleanField(_("complete record"), default=False, editable=False)
    # Optimistic locking: a save is accepted only against the version the editor started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_folded", "given_name_folded", "tree", "completeness", "is_complete"],
        # History is read by member (id) and by date only; every other index there would be
        # paid for on each write, most of all by large imports.
        no_db_index=["card_number", "unit", "group", "merged_into"],
        # The user who made a change is kept by Django (SET_NULL when a user is deleted) rather
        # than by a foreign key checked on every history row of every import.
        user_db_constraint=False,
    )
    objects = MemberManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_folded", "id"]
        indexes = [
            # A unit's members by name: an officer's search of a grassroots union reads only
            # that union's matches (the name indexes below hold every unit's, in name order).
            # They also serve every lookup by unit, as (unit, status) did.
            models.Index(fields=["unit", "name_folded", "id"], name="member_unit_name"),
            models.Index(fields=["unit", "given_name_folded", "id"], name="member_unit_given_name"),
            models.Index(fields=["name_folded", "id"], name="member_name_folded"),
            models.Index(fields=["given_name_folded", "id"], name="member_given_name_id"),
            models.Index(fields=["phone"], name="member_phone"),
            models.Index(fields=["date_of_birth", "name_folded"], name="member_dob_name"),
            # Partial: rows without a group or a merge are not in them (nothing to maintain).
            models.Index(fields=["group"], condition=Q(group__isnull=False), name="member_group"),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="member_merged_into",
            ),
        ]
        constraints = [
            # Led by the number: it also serves every lookup of a number (search, matching,
            # the access log), so no second index on it is kept up on every write. A lookup of
            # more than 100 numbers at once says ``cccd <> ''`` itself (PostgreSQL proves the
            # condition for shorter lists only).
            models.UniqueConstraint(
                fields=["cccd", "tree"], condition=~Q(cccd=""), name="member_unique_cccd_per_tree"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def prepare(self) -> None:
        """Derived fields: normalised name, search key, tree key, completeness (also for bulk writes)."""
        self.full_name = normalize_text(self.full_name)
        self.name_folded = fold(self.full_name)[:150]
        self.given_name_folded = given_first(self.name_folded)
        if self.unit_id and not self.tree:
            self.tree = tree_key(self.unit.path)
        self.completeness = self.compute_completeness()
        self.is_complete = self.completeness == 100

    # --- completeness -------------------------------------------------------------------------
    def field_is_complete(self, name: str) -> bool:
        value = getattr(self, name)
        if value in (None, ""):
            return False
        if name == "cccd":
            return self.cccd_exception or cccd.is_valid(
                value, self.gender or None, self.date_of_birth.year if self.date_of_birth else None
            )
        if name == "permanent_commune":
            return bool(self.permanent_province) and divisions.commune_in_province(
                value, self.permanent_province
            )
        if name == "current_commune":
            return bool(self.current_province) and divisions.commune_in_province(
                value, self.current_province
            )
        return True

    def missing_fields(self) -> list[str]:
        return [name for name in COMPLETENESS_FIELDS if not self.field_is_complete(name)]

    def compute_completeness(self) -> int:
        """``missing_fields`` counted (it runs for every row of an import: plain fields inline)."""
        values = self.__dict__
        present = 0
        for name in _PLAIN_COMPLETENESS_FIELDS:
            value = values[name] if name in values else getattr(self, name)  # deferred: loaded
            if value is not None and value != "":
                present += 1
        present += sum(1 for name in _CHECKED_COMPLETENESS_FIELDS if self.field_is_complete(name))
        return present * 100 // len(COMPLETENESS_FIELDS)

    # --- display ------------------------------------------------------------------------------
    @property
    def cccd_masked(self) -> str:
        return cccd.mask(self.cccd)

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def birth_display(self) -> str:
        """The date of birth as known: "1990" when only the year is, else dd/mm/yyyy."""
        if not self.date_of_birth:
            return ""
        if self.birth_year_only:
            return str(self.date_of_birth.year)
        return self.date_of_birth.strftime("%d/%m/%Y")

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if not self.date_of_birth:
            return None
        day = day or datetime.date.today()
        dob = self.date_of_birth
        if self.birth_year_only:  # the age reached this year (the birthday itself is unknown)
            return day.year - dob.year
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def permanent_address(self) -> str:
        return _address(self.permanent_street, self.permanent_commune, self.permanent_province)

    @property
    def current_address(self) -> str:
        return _address(self.current_street, self.current_commune, self.current_province)


def _address(street: str, commune: int | None, province: int | None) -> str:
    parts = [street, divisions.commune_name(commune), divisions.province_name(province)]
    return ", ".join(p for p in parts if p)


class CardSequence(models.Model):
    """The next union card number of one organisation tree (locked while numbers are issued)."""

    tree = models.CharField(max_length=TREE_KEY_LENGTH, unique=True)
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("card number sequence")

    def __str__(self) -> str:
        return f"{self.tree}: {self.next_value}"


class TransferRequestQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser | None, roles: Iterable[str] | None = None) -> Self:
        """Seen by officers of either side."""
        return self.filter(
            scope_q(user, "from_unit__path", roles) | scope_q(user, "to_unit__path", roles)
        )


class TransferRequest(models.Model):
    """A transfer to a unit outside the requesting officer's scope, decided by its officer."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfer_requests", verbose_name=_("member")
    )
    from_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("to"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=255, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_unit}"


class CccdView(models.Model):
    """Each time an officer saw a member's full citizen identity number."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cccd_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("full identity number view")
        verbose_name_plural = _("full identity number views")
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.viewer} · {self.member_id} · {self.viewed_at:%Y-%m-%d %H:%M}"


def _import_upload_path(instance, filename: str) -> str:
    return f"member-imports/{datetime.date.today():%Y/%m}/{filename}"


class ImportJobQuerySet(UnitScopedQuerySet):
    pass


class ImportJob(models.Model):
    """One spreadsheet import: its file, column mapping, progress, counts and row errors."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("grassroots union")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=_import_upload_path)
    original_name = models.CharField(max_length=255)
    dry_run = models.BooleanField(default=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    # What the check found about the file's shape: where the table ended (a form's footer) and
    # the columns nobody mapped, with the closest field (``importing.run.Summary.report``).
    report = models.JSONField(default=dict, blank=True)
    # The officer who ran the import for real (history names them, not the one who checked it).
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Touched as the job starts, reads its file and commits each batch: a running job whose
    # heartbeat is old has lost its worker (members.importing.jobs.recover_stale_jobs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When a run of this job was found interrupted; kept through the run that completes it.
    interrupted_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return min(100, self.progress * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.status in (
            ImportStatus.CHECKED,
            ImportStatus.DONE,
            ImportStatus.FAILED,
            ImportStatus.INTERRUPTED,
        )
