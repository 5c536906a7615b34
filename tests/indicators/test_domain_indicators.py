"""The members' and skills' indicators: stored figures rebuilt from raw records, per unit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdoan.indicators import registry, snapshots
from congdoan.indicators.models import Figure
from congdoan.members.models import Member
from congdoan.org.choices import Role
from congdoan.org.models import Unit
from congdoan.skills.models import (
    Competence,
    Course,
    DigitalSkillsDefinition,
    Enrolment,
    SkillRecord,
    TrainingSession,
)
from tests.conftest import make_user

TODAY = timezone.localdate


def member(unit, n, **fields):
    defaults = {"full_name": f"Nguyễn Văn Thử {n}", "card_number": f"IND{n:06d}"}
    defaults.update(fields)
    return Member.objects.create(unit=unit, **defaults)


@pytest.fixture
def world(tree):
    comp = {c.code: c for c in Competence.objects.filter(version__is_current=True)}
    today = TODAY()
    prov_def = DigitalSkillsDefinition.objects.create(
        unit=tree.prov, name="Cơ bản", min_step=2, valid_from=datetime.date(2025, 1, 1)
    )
    prov_def.competences.set([comp["1.1"]])
    # ZONE sets a stricter definition of its own: 1.1 and 4.2.
    zone_def = DigitalSkillsDefinition.objects.create(
        unit=tree.zone, name="KCN", min_step=2, valid_from=datetime.date(2025, 1, 1)
    )
    zone_def.competences.set([comp["1.1"], comp["4.2"]])
    people = {
        "a1": member(tree.gr_a1, 1, email="officer@example.org"),
        "a1b": member(tree.gr_a1, 2),
        "a2": member(tree.gr_a2, 3),
        "b1": member(tree.gr_b1, 4),
        "b1b": member(tree.gr_b1, 5),
        "left": member(tree.gr_b1, 6, status="left"),
    }
    make_user("officer", tree.gr_a1, Role.OFFICER)  # e-mail officer@example.org

    def record(m, code, step=2):
        SkillRecord.objects.create(
            member=m, competence=comp[code], step=step, source="attestation", achieved_on=today
        )

    record(people["a1"], "1.1")  # ZONE definition needs 4.2 too: not met
    record(people["a1b"], "1.1")
    record(people["a1b"], "4.2")  # met
    record(people["b1"], "1.1")  # PROV definition: met
    record(people["b1b"], "1.1", step=1)  # step too low
    course = Course.objects.create(unit=tree.zone, code="C1", title="VNeID", target_step=2)
    session = TrainingSession.objects.create(
        code="S1",
        course=course,
        unit=tree.zone,
        starts_on=today,
        ends_on=today,
        venue="Hội trường",
        status="closed",
    )
    TrainingSession.objects.create(
        code="S2",
        course=course,
        unit=tree.ward,
        starts_on=today,
        ends_on=today,
        venue="Hội trường",
        status="cancelled",
    )
    for key in ("a1", "a2"):
        Enrolment.objects.create(
            session=session,
            member=people[key],
            source="officer",
            status="completed",
            completed_on=today,
        )
    Enrolment.objects.create(
        session=session, member=people["b1"], source="officer", status="enrolled"
    )
    return people


def figures(code):
    return {
        uid: (n, d)
        for uid, n, d in Figure.objects.filter(indicator=code)
        .on(TODAY())
        .values_list("unit_id", "numerator", "denominator")
    }


def test_figures_by_hand(tree, world):
    snapshots.refresh()
    P, Z, W, A1 = tree.prov.pk, tree.zone.pk, tree.ward.pk, tree.gr_a1.pk
    active = figures("members.active")
    assert active[P] == (5, 5) and active[Z] == (3, 3) and active[W] == (2, 2)
    meeting = figures("skills.meeting_definition")
    assert meeting[A1] == (1, 2)
    assert meeting[Z] == (1, 3)
    assert meeting[W] == (1, 2)
    assert meeting[P] == (2, 5)
    assert figures("skills.members_trained")[P][0] == 2
    assert figures("skills.officers_trained")[P][0] == 1
    assert figures("skills.officers_trained")[A1][0] == 1
    assert figures("skills.sessions_held") == {P: (1, 1), Z: (1, 1)}
    complete = figures("members.complete_data")
    assert complete[P][1] == 5


def test_rebuild_domain_figures_from_raw_records(tree, world):
    """Every stored figure equals a count over the raw records of the unit's subtree."""
    snapshots.refresh()
    today = TODAY()
    for unit in Unit.objects.all():
        sub = Member.objects.filter(unit__path__startswith=unit.path)
        active = sub.filter(status="active")
        expect = {
            "members.active": (active.count(), active.count()),
            "members.complete_data": (active.filter(is_complete=True).count(), active.count()),
        }
        for code, (n, d) in expect.items():
            assert figures(code).get(unit.pk, (0, 0)) == (n, d), (code, unit.code)
        trained = (
            sub.filter(
                skill_enrolments__status="completed",
                skill_enrolments__completed_on__year=today.year,
            )
            .distinct()
            .count()
        )
        assert figures("skills.members_trained").get(unit.pk, (0, 0))[0] == trained
        held = TrainingSession.objects.filter(
            unit__path__startswith=unit.path, status__in=["open", "closed"]
        ).count()
        assert figures("skills.sessions_held").get(unit.pk, (0, 0))[0] == held


def test_member_change_shows_after_next_refresh(tree, world, admin_user, client_for):
    snapshots.refresh()
    member(tree.gr_a2, 99)
    assert figures("members.active")[tree.prov.pk] == (5, 5)
    snapshots.refresh(codes=["members.active"])
    assert figures("members.active")[tree.prov.pk] == (6, 6)


def test_drill_down_lists_match_figures(tree, world, officer_a, client_for):
    snapshots.refresh()
    ind = registry.get("skills.meeting_definition")
    period = snapshots.period_for(ind, TODAY())
    zone = Unit.objects.get(code="ZONE")
    assert {m.pk for m in ind.records(officer_a, zone, period, "numerator")} == {world["a1b"].pk}
    assert {m.pk for m in ind.records(officer_a, zone, period, "complement")} == {
        world["a1"].pk,
        world["a2"].pk,
    }
    response = client_for(officer_a).get(
        "/indicators/ZONE/skills.meeting_definition/records/?part=complement"
    )
    body = response.content.decode()
    assert "IND000001" in body and "IND000003" in body and "IND000002" not in body


def test_active_members_backfill_from_history(tree, world):
    """Past dates come from the members' history: yesterday none of today's members existed."""
    yesterday = TODAY() - datetime.timedelta(days=1)
    snapshots.refresh(yesterday, ["members.active"])
    assert not Figure.objects.filter(indicator="members.active").exists()
    snapshots.refresh(codes=["members.active"])
    assert figures("members.active")[tree.prov.pk] == (5, 5)
    with pytest.raises(ValueError):
        snapshots.refresh(yesterday, ["members.complete_data"])


def test_incremental_refresh_carries_a_transfer_up_the_tree(tree, world):
    """The once-a-minute path recomputes only changed units and stays equal to a full rebuild."""
    Unit.history.update(history_date=timezone.now() - datetime.timedelta(days=1))
    Member.history.update(history_date=timezone.now() - datetime.timedelta(days=1))
    DigitalSkillsDefinition.history.update(history_date=timezone.now() - datetime.timedelta(days=1))
    SkillRecord.objects.update(recorded_at=timezone.now() - datetime.timedelta(days=1))
    snapshots.refresh()
    moved = world["a2"]
    moved.unit = tree.gr_b1
    moved.save()
    before = Figure.objects.count()
    full = snapshots.compute
    snapshots.compute = None  # members.* must take the incremental path
    try:
        snapshots.refresh(
            codes=["members.active", "members.complete_data", "skills.meeting_definition"],
            incremental=True,
        )
    finally:
        snapshots.compute = full
    # GR-A2, ZONE, GR-B1, WARD and PROV change; nothing else is rewritten.
    assert Figure.objects.count() - before <= 5 * 4
    active = figures("members.active")
    assert (
        active[tree.zone.pk] == (2, 2)
        and active[tree.ward.pk] == (3, 3)
        and active[tree.prov.pk] == (5, 5)
    )
    assert tree.gr_a2.pk not in active
    incremental = {
        code: figures(code)
        for code in ("members.active", "members.complete_data", "skills.meeting_definition")
    }
    snapshots.refresh()
    for code, values in incremental.items():
        assert figures(code) == values, code


def test_record_lists_link_to_the_records(tree, world, admin_user, client_for):
    client = client_for(admin_user)
    body = client.get("/indicators/PROV/members.active/records/").content.decode()
    assert f"/members/{world['a1'].pk}/" in body
    body = client.get(
        "/indicators/PROV/skills.meeting_definition/records/?part=numerator"
    ).content.decode()
    assert f"/skills/members/{world['a1b'].pk}/" in body
    session = TrainingSession.objects.get(code="S1")
    body = client.get("/indicators/PROV/skills.sessions_held/records/").content.decode()
    assert f"/skills/sessions/{session.pk}/" in body
