"""Choices of the organisation tree: kinds of unit, statuses, ownership, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    TRADE_UNION = "trade_union", _("Trade union")
    YOUTH_UNION = "youth_union", _("Youth Union")
    FARMERS_UNION = "farmers_union", _("Farmers' Union")


class UnitKind(models.TextChoices):
    # Trade union tree after the 2025 reform (shared/DOMAIN.md).
    CONFEDERATION = "confederation", _("General Confederation of Labour")
    PROVINCIAL_FEDERATION = "provincial_federation", _("Provincial federation of labour")
    CENTRAL_SECTOR_UNION = "central_sector_union", _("Central sector union")
    SECTOR_UNION = "sector_union", _("Sector union")
    COMMUNE_UNION = "commune_union", _("Commune or ward union")
    INDUSTRIAL_ZONE_UNION = "industrial_zone_union", _("Industrial-zone union")
    DISTRICT_UNION = "district_union", _("District union (before 2025)")
    GRASSROOTS_UNION = "grassroots_union", _("Grassroots union")
    UNION_GROUP = "union_group", _("Union group")
    # Youth Union: tỉnh đoàn → đoàn xã/phường → chi đoàn
    PROVINCIAL_YOUTH_UNION = "provincial_youth_union", _("Provincial Youth Union")
    COMMUNE_YOUTH_UNION = "commune_youth_union", _("Commune Youth Union")
    YOUTH_BRANCH = "youth_branch", _("Youth Union branch")
    # Farmers' Union: tỉnh hội → hội cơ sở → chi hội
    PROVINCIAL_FARMERS_UNION = "provincial_farmers_union", _("Provincial Farmers' Union")
    GRASSROOTS_FARMERS_UNION = "grassroots_farmers_union", _("Grassroots Farmers' Union")
    FARMERS_BRANCH = "farmers_branch", _("Farmers' Union branch")


# (family, level): a child's level must be deeper than its parent's, in the same family.
KIND_RULES: dict[str, tuple[str, int]] = {
    UnitKind.CONFEDERATION: (Family.TRADE_UNION, 0),
    UnitKind.PROVINCIAL_FEDERATION: (Family.TRADE_UNION, 1),
    UnitKind.CENTRAL_SECTOR_UNION: (Family.TRADE_UNION, 1),
    UnitKind.SECTOR_UNION: (Family.TRADE_UNION, 2),
    UnitKind.COMMUNE_UNION: (Family.TRADE_UNION, 2),
    UnitKind.INDUSTRIAL_ZONE_UNION: (Family.TRADE_UNION, 2),
    UnitKind.DISTRICT_UNION: (Family.TRADE_UNION, 2),
    UnitKind.GRASSROOTS_UNION: (Family.TRADE_UNION, 3),
    UnitKind.UNION_GROUP: (Family.TRADE_UNION, 4),
    UnitKind.PROVINCIAL_YOUTH_UNION: (Family.YOUTH_UNION, 1),
    UnitKind.COMMUNE_YOUTH_UNION: (Family.YOUTH_UNION, 2),
    UnitKind.YOUTH_BRANCH: (Family.YOUTH_UNION, 3),
    UnitKind.PROVINCIAL_FARMERS_UNION: (Family.FARMERS_UNION, 1),
    UnitKind.GRASSROOTS_FARMERS_UNION: (Family.FARMERS_UNION, 2),
    UnitKind.FARMERS_BRANCH: (Family.FARMERS_UNION, 3),
}

# Kinds whose members are recorded directly on them (the "grassroots" of each family).
GRASSROOTS_KINDS = {
    UnitKind.GRASSROOTS_UNION,
    UnitKind.UNION_GROUP,
    UnitKind.YOUTH_BRANCH,
    UnitKind.GRASSROOTS_FARMERS_UNION,
    UnitKind.FARMERS_BRANCH,
}


def can_contain(parent_kind: str, child_kind: str) -> bool:
    parent_family, parent_level = KIND_RULES[parent_kind]
    child_family, child_level = KIND_RULES[child_kind]
    return parent_family == child_family and child_level > parent_level


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged")
    DISSOLVED = "dissolved", _("Dissolved")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    PRIVATE = "private", _("Private")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested")


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    OFFICER = "officer", _("Officer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    TRAINER = "trainer", _("Trainer")
    VIEWER = "viewer", _("Viewer")


# An administrator may grant any role whose rank is not above their own.
ROLE_RANK = {
    Role.ADMINISTRATOR: 50,
    Role.OFFICER: 40,
    Role.FINANCE_OFFICER: 30,
    Role.TRAINER: 30,
    Role.VIEWER: 10,
}

# Role sets used for permission checks across apps.
ALL_ROLES = frozenset(Role.values)
TREE_MANAGERS = frozenset({Role.ADMINISTRATOR})
ROLE_MANAGERS = frozenset({Role.ADMINISTRATOR})
UNIT_EDITORS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})
MEMBER_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})
FINANCE_ROLES = frozenset({Role.ADMINISTRATOR, Role.FINANCE_OFFICER})
TRAINING_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER, Role.TRAINER})
