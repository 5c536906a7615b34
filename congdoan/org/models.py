"""Units of the organisation tree, role assignments and the two-factor policy per role."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from congdoan.accounts.models import AnyUser
from congdoan.common.text import fold, normalize_text

from . import divisions
from .choices import GRASSROOTS_KINDS, Ownership, Role, UnitKind, UnitStatus
from .paths import STEPLEN, prefix_q
from .scoping import scope_q

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")


def validate_unit_code(value: str) -> None:
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "Code must be 1–32 characters: capital letters A–Z, digits, dot, dash or underscore."
            ),
            code="invalid_code",
        )


class UnitQuerySet(MP_NodeQuerySet):
    def visible_to(self, user: AnyUser | None, roles: Iterable[str] | None = None) -> UnitQuerySet:
        """Units in ``user``'s scope (optionally only where they hold one of ``roles``)."""
        return self.filter(scope_q(user, "path", roles))

    def active(self) -> UnitQuerySet:
        return self.filter(status=UnitStatus.ACTIVE)

    def search(self, text: str) -> UnitQuerySet:
        """Units whose name contains ``text``, accents and case ignored."""
        key = fold(text)
        if not key:
            return self
        return self.filter(name_folded__contains=key)

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """``unit`` and every unit below it."""
        return self.filter(prefix_q(unit.path))


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A union organisation at any level: federation, upper-level union, grassroots union, group."""

    steplen = STEPLEN

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[validate_unit_code],
        help_text=_(
            "Stable identifier, e.g. QN-CDCS-0001. Small letters are turned into capitals."
        ),
    )
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=32,
        blank=True,
        help_text=_("Used in document symbols, e.g. LĐLĐ."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    province_code = models.PositiveIntegerField(_("province"), null=True, blank=True)
    commune_code = models.PositiveIntegerField(_("commune or ward"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Employer, for grassroots unions at enterprises.
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    employer_tax_code = models.CharField(_("employer tax code"), max_length=14, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, blank=True
    )
    worker_count = models.PositiveIntegerField(_("number of workers"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["name_folded", "numchild"])
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = normalize_text(self.name)
        self.name_folded = fold(self.name)
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.province_code and not divisions.province_name(self.province_code):
            errors["province_code"] = _("Unknown province code.")
        if self.commune_code:
            if not self.province_code:
                errors["commune_code"] = _("Choose the province before the commune.")
            elif not divisions.commune_in_province(self.commune_code, self.province_code):
                errors["commune_code"] = _("This commune or ward is not in the chosen province.")
        if self.employer_tax_code and not re.fullmatch(r"\d{10}(-\d{3})?", self.employer_tax_code):
            errors["employer_tax_code"] = _(
                "A tax code has 10 digits, or 10 digits, a dash and 3 digits."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def province_name(self) -> str:
        return divisions.province_name(self.province_code) if self.province_code else ""

    @property
    def commune_name(self) -> str:
        return divisions.commune_name(self.commune_code) if self.commune_code else ""

    def subtree(self) -> UnitQuerySet:
        """This unit and every unit below it."""
        return Unit.objects.subtree_of(self)


class RoleAssignment(models.Model):
    """Grants ``role`` to ``user`` on ``unit`` and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class RolePolicy(models.Model):
    """Security policy attached to a role, e.g. that its holders must use two-factor login."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    require_mfa = models.BooleanField(_("require two-factor authentication"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self) -> str:
        return self.get_role_display()
