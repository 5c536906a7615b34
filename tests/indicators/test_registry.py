"""The registry: discovery of every app's indicators.py, registration rules, columns."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db.models import Q

from congdoan.indicators import registry
from congdoan.indicators.registry import Column, Indicator, Kind, Part
from congdoan.org.models import Unit


def test_apps_indicators_are_discovered():
    codes = {i.code for i in registry.all_indicators()}
    assert {
        "org.active_grassroots_unions",
        "members.active",
        "members.complete_data",
        "skills.meeting_definition",
        "skills.members_trained",
        "skills.officers_trained",
        "skills.sessions_held",
    } <= codes


def test_duplicate_code_is_refused():
    first = Indicator(code="test.dup", name="A", kind=Kind.COUNT, compute=lambda p: [])
    registry.register(first)
    try:
        with pytest.raises(registry.AlreadyRegistered):
            registry.register(
                Indicator(code="test.dup", name="B", kind=Kind.COUNT, compute=lambda p: [])
            )
        assert registry.register(first) is first
    finally:
        registry.unregister("test.dup")


def test_values_and_parts():
    ratio = Indicator(
        code="x", name="X", kind=Kind.RATIO, compute=lambda p: [], records=lambda *a: None
    )
    assert ratio.value(1, 3) == 33.33 and ratio.value(1, 0) is None
    assert [p for p, _label in ratio.parts] == [Part.NUMERATOR, Part.COMPLEMENT, Part.DENOMINATOR]
    count = Indicator(code="y", name="Y", kind=Kind.COUNT, compute=lambda p: [])
    assert count.value(7, 0) == 7.0 and count.parts == [] and not count.has_records


def test_column_accessors():
    obj = SimpleNamespace(
        name="An", unit=SimpleNamespace(name="CĐCS"), none=None, shout=lambda: "HI"
    )
    assert Column("n", "unit.name").value(obj) == "CĐCS"
    assert Column("n", "none.name").value(obj) == ""
    assert Column("n", "shout").value(obj) == "HI"
    assert Column("n", lambda o: o.name.upper()).value(obj) == "AN"


def test_records_helpers_narrow_to_the_subtree_and_split_the_parts(tree, admin_user, officer_b):
    zone = registry.subtree_records(Unit.objects.visible_to(admin_user), tree.zone, "path")
    assert sorted(zone.values_list("code", flat=True)) == ["GR-A1", "GR-A2", "ZONE"]
    counted = Q(code="GR-A1")
    assert [u.code for u in registry.part_records(zone, Part.NUMERATOR, counted)] == ["GR-A1"]
    complement = registry.part_records(zone, Part.COMPLEMENT, counted)
    assert sorted(complement.values_list("code", flat=True)) == ["GR-A2", "ZONE"]
    assert registry.part_records(zone, Part.DENOMINATOR, counted).count() == 3
    # The scope of the queryset passed in is kept: the sibling subtree's officer sees none.
    hidden = registry.subtree_records(Unit.objects.visible_to(officer_b), tree.zone, "path")
    assert not hidden.exists()
