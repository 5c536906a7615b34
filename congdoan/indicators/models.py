"""Stored figures (per unit, per indicator, as date intervals) and targets.

A :class:`Figure` row holds the figure of one indicator for one unit's whole subtree
(``numerator``/``denominator``) and for the unit's own records (``own_*``), valid from
``valid_from`` up to, not including, ``valid_to`` (``None``: still current). A row is written
only when a figure changes, so a unit whose members do not change costs one row however many
days pass, and a missing row means zero. Reading a date is one indexed range look-up; a series
is the rows that overlap it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congdoan.org.models import Unit
from congdoan.org.scoping import UnitScopedQuerySet


class FigureQuerySet(models.QuerySet):
    def on(self, day):
        """Rows valid on ``day``."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )

    def overlapping(self, start, end):
        """Rows valid on at least one day of ``start … end``."""
        return self.filter(valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=start)
        )


class Figure(models.Model):
    indicator = models.CharField(_("indicator"), max_length=64)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)
    own_numerator = models.BigIntegerField(default=0)
    own_denominator = models.BigIntegerField(default=0)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "valid_from"], name="unique_figure_start"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "valid_to"], name="figure_unit_current"),
            models.Index(fields=["indicator", "valid_to"], name="figure_indicator_current"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_id} {self.valid_from}: {self.numerator}/{self.denominator}"


class RefreshState(models.Model):
    """When each indicator was last computed, and how long it took."""

    indicator = models.CharField(max_length=64, unique=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    full_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.indicator} @ {self.refreshed_at}"


class TargetQuerySet(UnitScopedQuerySet):
    """Targets set on units: ``visible_to`` gives those of units in the user's scope."""


class Target(models.Model):
    """A target value to reach by a deadline, set on a unit; inherited by its subtree."""

    indicator = models.CharField(_("indicator"), max_length=64)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "deadline"], name="unique_target_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value} by {self.deadline}"
