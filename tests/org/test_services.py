import pytest
from django.core.exceptions import ValidationError

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.org import services
from congdoan.org.choices import Role, UnitKind, UnitStatus
from congdoan.org.models import RoleAssignment, Unit
from tests.conftest import make_user


def test_create_unit_under_parent(tree, admin_user):
    unit = services.create_unit(
        admin_user,
        parent=tree.zone,
        code="gr-a3",
        name="  Công đoàn   cơ sở X ",
        kind=UnitKind.GRASSROOTS_UNION,
        worker_count=300,
    )
    assert unit.code == "GR-A3"
    assert unit.name == "Công đoàn cơ sở X"
    assert Unit.objects.get_parent(unit) == tree.zone
    assert unit.history.count() == 1


def test_create_unit_refuses_wrong_kind_and_bad_code(tree, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(
            admin_user, parent=tree.gr_a1, code="X", name="X", kind=UnitKind.SECTOR_UNION
        )
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_unit(
            admin_user, parent=tree.zone, code="bad code!", name="X", kind=UnitKind.GRASSROOTS_UNION
        )
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.create_unit(
            admin_user, parent=tree.zone, code="GR-A1", name="dup", kind=UnitKind.GRASSROOTS_UNION
        )


def test_commune_must_belong_to_province(tree, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(
            admin_user,
            parent=tree.zone,
            code="GX",
            name="X",
            kind=UnitKind.GRASSROOTS_UNION,
            province_code=22,
            commune_code=1,
        )  # 1 is in Hà Nội
    assert "commune_code" in exc.value.message_dict


def test_officer_cannot_restructure_but_can_edit_details(tree, officer_a):
    with pytest.raises(NotAllowed):
        services.rename_unit(officer_a, tree.gr_a1, "New name")
    unit = services.update_unit(officer_a, tree.gr_a1, worker_count=1500)
    assert unit.worker_count == 1500


def test_out_of_scope_is_404(tree, officer_b, ward_admin):
    with pytest.raises(OutOfScope):
        services.update_unit(officer_b, tree.gr_a1, worker_count=1)
    with pytest.raises(OutOfScope):
        services.move_unit(ward_admin, tree.gr_b1, tree.zone)


def test_move_subtree(tree, admin_user):
    services.create_unit(
        admin_user, parent=tree.gr_a1, code="T1", name="Tổ 1", kind=UnitKind.UNION_GROUP
    )
    moved = services.move_unit(admin_user, tree.refresh().gr_a1, tree.ward)
    tree.refresh()
    assert Unit.objects.get_parent(moved) == tree.ward
    assert Unit.objects.get_parent(Unit.objects.get(code="T1")).code == "GR-A1"
    assert Unit.objects.get(code="T1").path.startswith(tree.ward.path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_move_under_own_descendant_refused(tree, admin_user):
    with pytest.raises(ValidationError):
        services.move_unit(admin_user, tree.zone, tree.gr_a1)


def test_merge_moves_children_and_marks_source(tree, admin_user):
    target = services.merge_units(admin_user, tree.zone, tree.ward, reason="Sáp nhập 2025")
    tree.refresh()
    assert target == tree.ward
    assert tree.zone.status == UnitStatus.MERGED
    assert tree.zone.merged_into == tree.ward
    assert {u.code for u in Unit.objects.get_children(tree.ward)} == {"GR-A1", "GR-A2", "GR-B1"}
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    with pytest.raises(ValidationError):
        services.merge_units(admin_user, tree.zone, tree.ward)  # already merged


def test_merge_calls_registered_handlers(tree, admin_user, monkeypatch):
    from congdoan.org import hooks

    seen = []
    monkeypatch.setattr(
        hooks, "merge_handlers", [lambda actor, s, t: seen.append((s.code, t.code))]
    )
    services.merge_units(admin_user, tree.gr_a2, tree.gr_a1)
    assert seen == [("GR-A2", "GR-A1")]


def test_dissolve_only_when_empty(tree, admin_user, monkeypatch):
    with pytest.raises(ValidationError):
        services.dissolve_unit(admin_user, tree.zone, "không còn doanh nghiệp")
    with pytest.raises(ValidationError) as exc:
        services.dissolve_unit(admin_user, tree.gr_a2, "")
    assert "reason" in exc.value.message_dict
    from congdoan.org import hooks

    monkeypatch.setattr(
        hooks, "emptiness_checks", [lambda unit: "còn đoàn viên" if unit.code == "GR-A1" else None]
    )
    with pytest.raises(ValidationError, match="còn đoàn viên"):
        services.dissolve_unit(admin_user, tree.gr_a1, "giải thể")
    unit = services.dissolve_unit(admin_user, tree.gr_a2, "Doanh nghiệp giải thể")
    assert unit.status == UnitStatus.DISSOLVED


def test_grant_role_inside_scope_and_not_above_own(tree, zone_admin, officer_a):
    target = make_user("new_officer")
    assignment = services.grant_role(zone_admin, target, tree.gr_a1, Role.OFFICER)
    assert assignment.granted_by == zone_admin
    with pytest.raises(OutOfScope):
        services.grant_role(zone_admin, target, tree.ward, Role.OFFICER)
    with pytest.raises(NotAllowed):
        services.grant_role(officer_a, target, tree.gr_a1, Role.VIEWER)  # officers grant nothing
    assert RoleAssignment.history.filter(user_id=target.pk).count() == 1


def test_finance_officer_cannot_grant_administrator(tree):
    # rank rule: an administrator is the only one who grants, and never above their own rank
    from congdoan.org.scoping import best_rank_on

    finance = make_user("fin", tree.zone, Role.FINANCE_OFFICER)
    assert best_rank_on(finance, tree.gr_a1) < best_rank_on(
        make_user("adm", tree.zone, Role.ADMINISTRATOR), tree.gr_a1
    )
    with pytest.raises(NotAllowed):
        services.grant_role(finance, make_user("x"), tree.gr_a1, Role.ADMINISTRATOR)


def test_revoke_role_kept_in_history(tree, zone_admin):
    target = make_user("temp")
    assignment = services.grant_role(zone_admin, target, tree.gr_a1, Role.VIEWER)
    services.revoke_role(zone_admin, assignment)
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert [
        h.history_type
        for h in RoleAssignment.history.filter(user_id=target.pk).order_by("history_date")
    ] == ["+", "-"]
