"""Lifecycle services: admission, validation, optimistic locking, transfers, status changes,
duplicates and the org tree hooks."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from congdoan.common import cccd
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.members import queries, services
from congdoan.members.choices import MemberStatus, TransferStatus
from congdoan.members.models import CccdView, Member
from congdoan.org import services as org_services
from congdoan.org.choices import Role, UnitKind
from tests.conftest import make_unit, make_user

from .conftest import member_fields


def test_admit_assigns_card_normalises_and_scores(tree, officer_a):
    member = services.admit_member(
        officer_a,
        tree.gr_a1,
        **member_fields(
            1,
            full_name="  nguyễn   văn  An ",
            phone="0912.345.678",
        ),
    )
    assert member.full_name == "nguyễn văn An"
    assert member.phone == "+84912345678"
    assert member.card_number == tree.prov.path[:4] + "00000001"
    assert member.status == MemberStatus.ACTIVE
    assert member.history.count() == 1 and member.history.first().history_user == officer_a
    # Communes are missing: not complete yet.
    assert member.completeness < 100 and not member.is_complete
    second = services.admit_member(officer_a, tree.gr_a2, **member_fields(2))
    assert second.card_number.endswith("00000002")


def test_complete_record(tree, officer_a):
    member = services.admit_member(
        officer_a,
        tree.gr_a1,
        **member_fields(
            1,
            permanent_commune=7090,
            current_commune=7093,
        ),
    )
    assert member.completeness == 100 and member.is_complete


def test_cccd_must_match_gender_and_year(tree, officer_a):
    fields = member_fields(1, gender="female", year=1990)
    fields["cccd"] = cccd.make("022", "male", 1991, 5)
    with pytest.raises(ValidationError) as err:
        services.admit_member(officer_a, tree.gr_a1, **fields)
    message = err.value.message_dict["cccd"][0]
    assert "fourth digit" in message and "fifth and sixth" in message
    assert not Member.objects.exists()
    # A documented exception is accepted, with its reason.
    fields.update(cccd_exception=True)
    with pytest.raises(ValidationError) as err:
        services.admit_member(officer_a, tree.gr_a1, **fields)
    assert "cccd_exception_reason" in err.value.message_dict
    fields["cccd_exception_reason"] = "Cấp sai giới tính, đã xác minh với công an phường"
    member = services.admit_member(officer_a, tree.gr_a1, **fields)
    assert member.cccd_exception and member.field_is_complete("cccd")


def test_vietnamese_messages(tree, officer_a):
    from django.utils import translation

    fields = member_fields(1)
    fields["cccd"] = "003" + fields["cccd"][3:]
    with translation.override("vi"), pytest.raises(ValidationError) as err:
        services.admit_member(officer_a, tree.gr_a1, **fields)
    assert "mã tỉnh" in err.value.message_dict["cccd"][0]


def test_duplicate_number_names_no_card_outside_the_officers_scope(tree, officer_a, officer_b):
    first = services.admit_member(officer_a, tree.gr_a1, **member_fields(1))
    # officer_b (WARD) must not learn whose card holds a number typed as a probe.
    with pytest.raises(ValidationError) as err:
        services.admit_member(officer_b, tree.gr_b1, **member_fields(1))
    message = err.value.message_dict["cccd"][0]
    assert "another unit" in message and first.card_number not in message
    # An officer who manages the existing record is told which card it is.
    with pytest.raises(ValidationError) as err:
        services.admit_member(officer_a, tree.gr_a2, **member_fields(1))
    assert first.card_number in err.value.message_dict["cccd"][0]


def test_one_person_one_record_per_tree(tree, officer_a, officer_b):
    services.admit_member(officer_a, tree.gr_a1, **member_fields(1))
    with pytest.raises(ValidationError) as err:
        services.admit_member(officer_b, tree.gr_b1, **member_fields(1))
    assert "already recorded" in err.value.message_dict["cccd"][0]
    # Another organisation tree (e.g. the Youth Union) may hold the same person.
    youth = make_unit(None, "TD", "Tỉnh đoàn", UnitKind.PROVINCIAL_YOUTH_UNION)
    commune = make_unit(youth, "TD-X", "Đoàn xã", UnitKind.COMMUNE_YOUTH_UNION)
    branch = make_unit(commune, "TD-X-1", "Chi đoàn 1", UnitKind.YOUTH_BRANCH)
    youth_officer = make_user("youth", youth, Role.OFFICER)
    assert services.admit_member(youth_officer, branch, **member_fields(1)).pk


def test_members_only_on_grassroots_units(tree, officer_a):
    with pytest.raises(ValidationError):
        services.admit_member(officer_a, tree.zone, **member_fields(1))


def test_union_group_resolves_to_its_grassroots(tree, officer_a):
    group = make_unit(tree.gr_a1, "GR-A1-T1", "Tổ 1", UnitKind.UNION_GROUP)
    member = services.admit_member(officer_a, group, **member_fields(1))
    assert member.unit == tree.gr_a1 and member.group == group


def test_scope_on_writes(tree, members, officer_b, officer_a):
    with pytest.raises(OutOfScope):
        services.admit_member(officer_b, tree.gr_a1, **member_fields(9))
    with pytest.raises(OutOfScope):
        services.update_member(officer_b, members.a1, job_title="X")
    viewer = make_user("viewer", tree.zone, Role.VIEWER)
    with pytest.raises(NotAllowed):
        services.update_member(viewer, members.a1, job_title="X")


# Each write checks scope on the row as it is in the database, not on the caller's copy: the
# member read by officer_a in ZONE was moved to WARD by the federation before the write.
STALE_WRITES = {
    "update": lambda actor, m, tree: services.update_member(actor, m, job_title="X"),
    "transfer": lambda actor, m, tree: services.transfer_member(actor, m, tree.gr_a2),
    "status": lambda actor, m, tree: services.suspend(actor, m, "x"),
    "death": lambda actor, m, tree: services.record_death(actor, m),
}


@pytest.mark.parametrize("write", STALE_WRITES)
def test_a_member_moved_out_of_scope_after_it_was_read_is_refused(
    tree, members, officer_a, admin_user, write
):
    stale = queries.visible_member(officer_a, members.a1.pk)  # what officer_a's page holds
    services.transfer_member(admin_user, members.a1, tree.gr_b1)  # moved to WARD meanwhile
    with pytest.raises(OutOfScope):
        STALE_WRITES[write](officer_a, stale, tree)
    moved = Member.objects.get(pk=members.a1.pk)
    assert (moved.unit_id, moved.status, moved.job_title) == (tree.gr_b1.pk, "active", "Công nhân")


@pytest.mark.parametrize("moved", ["keep", "duplicate"])
def test_merging_a_record_moved_out_of_scope_after_it_was_read_is_refused(
    tree, members, officer_a, admin_user, moved
):
    keep = queries.visible_member(officer_a, members.a1.pk)
    duplicate = queries.visible_member(officer_a, members.a2.pk)
    services.transfer_member(admin_user, {"keep": keep, "duplicate": duplicate}[moved], tree.gr_b1)
    with pytest.raises(OutOfScope):
        services.merge_duplicates(officer_a, keep, duplicate)
    assert not Member.objects.filter(status=MemberStatus.MERGED).exists()


def test_status_actions_come_from_the_services_table(members, officer_a):
    """The member page's actions are the table's, by the member's status."""
    names = [a.name for a in services.status_actions(members.a1)]
    assert names == ["leave", "suspend", "transfer-out", "death"]
    services.suspend(officer_a, members.a1, "nghỉ dài hạn")
    members.a1.refresh_from_db()
    assert [a.name for a in services.status_actions(members.a1)] == [
        "leave",
        "reinstate",
        "death",
    ]
    with pytest.raises(ValidationError) as raised:
        services.change_status(officer_a, members.a1, "leave", "")
    assert "reason" in raised.value.message_dict


def test_salary_is_finance_only(tree, members, officer_a):
    with pytest.raises(NotAllowed):
        services.update_member(officer_a, members.a1, monthly_salary=9_000_000)
    finance = make_user("fin", tree.zone, Role.FINANCE_OFFICER)
    # finance officers cannot manage members; administrators can set the salary
    admin = make_user("zadmin", tree.zone, Role.ADMINISTRATOR)
    member = services.update_member(admin, members.a1, monthly_salary=9_000_000)
    assert member.monthly_salary == 9_000_000
    assert queries.can_see_salary(finance, member) and not queries.can_see_salary(officer_a, member)


def test_second_save_is_refused_with_the_others_changes(members, officer_a, grassroots_a):
    opened = Member.objects.get(pk=members.a1.pk)
    version = opened.version
    services.update_member(
        grassroots_a, opened, version=version, job_title="Tổ trưởng", phone="0987654321"
    )
    with pytest.raises(services.EditConflict) as err:
        services.update_member(officer_a, opened, version=version, job_title="Kỹ sư")
    changes = {c.field: c for c in err.value.changes}
    assert changes["job_title"].after == "Tổ trưởng"
    assert changes["phone"].after == "+84987654321"
    assert "grassroots_a" in changes["job_title"].by
    fresh = Member.objects.get(pk=members.a1.pk)
    assert fresh.job_title == "Tổ trưởng" and fresh.version == version + 1
    # Saving again against the new version works.
    assert (
        services.update_member(officer_a, fresh, version=fresh.version, job_title="Kỹ sư").job_title
        == "Kỹ sư"
    )


def test_update_validates_and_keeps_nothing_half_written(members, officer_a):
    with pytest.raises(ValidationError) as err:
        services.update_member(officer_a, members.a1, job_title="Mới", phone="12345")
    assert "phone" in err.value.message_dict
    assert Member.objects.get(pk=members.a1.pk).job_title == "Công nhân"


def test_transfer_inside_scope_is_immediate(tree, members, officer_a):
    member = services.transfer_member(officer_a, members.a1, tree.gr_a2)
    assert member.unit == tree.gr_a2
    assert member.history.first().history_change_reason == "transferred from GR-A1 to GR-A2"


def test_transfer_outside_scope_waits_for_receiving_officer(
    tree, members, officer_a, officer_b, grassroots_a
):
    request = services.transfer_member(officer_a, members.a1, tree.gr_b1, note="Chuyển công tác")
    assert request.status == TransferStatus.PENDING
    assert Member.objects.get(pk=members.a1.pk).unit == tree.gr_a1
    with pytest.raises(OutOfScope):
        services.decide_transfer(grassroots_a, request, accept=True)
    with pytest.raises(ValidationError):
        services.transfer_member(officer_a, members.a1, tree.gr_b1)
    assert request in queries.visible_transfer_requests(officer_b)
    services.decide_transfer(officer_b, request, accept=True)
    assert Member.objects.get(pk=members.a1.pk).unit == tree.gr_b1
    assert Member.objects.visible_to(officer_b).filter(pk=members.a1.pk).exists()
    assert not Member.objects.visible_to(officer_a).filter(pk=members.a1.pk).exists()


def test_transfer_refused(tree, members, officer_a, officer_b):
    request = services.transfer_member(officer_a, members.a1, tree.gr_b1)
    services.decide_transfer(officer_b, request, accept=False, note="Không có hồ sơ")
    request.refresh_from_db()
    assert request.status == TransferStatus.REFUSED
    assert Member.objects.get(pk=members.a1.pk).unit == tree.gr_a1


def test_status_lifecycle(members, officer_a):
    with pytest.raises(ValidationError):
        services.leave(officer_a, members.a1, reason="")
    member = services.suspend(officer_a, members.a1, reason="Vi phạm điều lệ")
    assert member.status == MemberStatus.SUSPENDED
    with pytest.raises(ValidationError):
        services.suspend(officer_a, member, reason="again")
    member = services.reinstate(officer_a, member)
    assert member.status == MemberStatus.ACTIVE
    member = services.leave(officer_a, member, reason="Nghỉ việc", on=datetime.date(2026, 1, 31))
    assert member.status == MemberStatus.LEFT and member.status_since == datetime.date(2026, 1, 31)
    member = services.record_death(officer_a, member)
    assert member.status == MemberStatus.DECEASED
    with pytest.raises(ValidationError):
        services.reinstate(officer_a, member)
    assert [h.history_change_reason for h in member.history.order_by("history_id")] == [
        "admitted",
        "suspended",
        "reinstated",
        "left",
        "deceased",
    ]
    assert Member.objects.filter(pk=member.pk).exists()  # nothing is deleted


def test_merge_duplicates_keeps_both_histories(tree, officer_a):
    keep = services.admit_member(officer_a, tree.gr_a1, **member_fields(1, cccd="", phone=""))
    dup = services.admit_member(officer_a, tree.gr_a2, **member_fields(1, job_title="Thợ hàn"))
    from congdoan.members.queries import likely_duplicates

    pairs = list(likely_duplicates(Member.objects.visible_to(officer_a)))
    assert {(a.pk, b.pk) for a, b, _why in pairs} == {(keep.pk, dup.pk)}
    merged = services.merge_duplicates(officer_a, keep, dup)
    assert merged.cccd == member_fields(1)["cccd"] and merged.phone == "+84912300001"
    dup.refresh_from_db()
    assert dup.status == MemberStatus.MERGED and dup.merged_into == merged and dup.cccd == ""
    assert dup.history.count() == 2 and merged.history.count() == 2
    assert list(likely_duplicates(Member.objects.visible_to(officer_a))) == []


def test_merge_refuses_two_people(tree, officer_a, make_member):
    a = make_member(tree.gr_a1, 1)
    b = make_member(tree.gr_a1, 2, full_name="Nguyễn Văn An")
    with pytest.raises(ValidationError):
        services.merge_duplicates(officer_a, a, b)


def test_reveal_cccd_is_logged(members, officer_a, officer_b):
    assert services.reveal_cccd(officer_a, members.a1) == members.a1.cccd
    assert CccdView.objects.get().viewer == officer_a
    with pytest.raises(OutOfScope):
        services.reveal_cccd(officer_b, members.a1)


def test_org_merge_moves_members_and_dissolve_is_refused(tree, members, admin_user):
    with pytest.raises(ValidationError) as err:
        org_services.dissolve_unit(admin_user, tree.gr_a1, reason="Giải thể")
    assert "members" in str(err.value)
    org_services.merge_units(admin_user, tree.gr_a1, tree.gr_a2, reason="Sáp nhập")
    assert set(Member.objects.filter(unit=tree.gr_a2)) == {members.a1, members.a2}
    assert (
        Member.objects.get(pk=members.a1.pk)
        .history.first()
        .history_change_reason.startswith("unit GR-A1 merged")
    )


def test_unit_counter(tree, members):
    from django.utils import translation

    with translation.override("en"):
        assert queries.member_count(tree.zone) == {"Members": 2}
        assert queries.member_count(tree.prov) == {"Members": 3}
    with translation.override("vi"):
        assert queries.member_count(tree.zone) == {"Đoàn viên": 2}


def test_demo_builds_members_idempotently(tree):
    import io

    from congdoan.common.demo import DemoContext
    from congdoan.members import demo

    ctx = DemoContext(options={"members": 300}, stdout=io.StringIO())
    ctx.data["root"] = tree.prov
    demo.build(ctx)
    assert Member.objects.count() == 300
    assert (
        Member.objects.filter(is_complete=False).exists()
        and Member.objects.filter(is_complete=True).exists()
    )
    assert all(
        cccd.is_valid(m.cccd, m.gender, m.date_of_birth.year)
        for m in Member.objects.exclude(cccd="")[:100]
    )
    assert Member.history.count() == 300
    demo.build(ctx)
    assert Member.objects.count() == 300
    ctx.options["members"] = 0
    demo.build(ctx)
    assert Member.objects.count() == 300


@pytest.mark.parametrize(
    "blank",
    [
        (),
        ("phone",),
        ("job_title", "religion"),
        ("date_of_birth",),  # the identity number can no longer be checked against the year
        ("cccd", "permanent_province"),  # the commune without its province does not count
        ("gender", "ethnicity", "education_level", "qualification", "joined_on"),
    ],
)
def test_completeness_counts_the_fields_that_are_missing(blank):
    from congdoan.members.models import COMPLETENESS_FIELDS

    fields = member_fields(1, permanent_commune=7090, current_commune=7093)
    member = Member(
        **{k: v for k, v in fields.items() if k in {f.name for f in Member._meta.fields}}
    )
    member.joined_on = datetime.date(2020, 3, 1)
    for name in blank:
        setattr(
            member,
            name,
            None if name in ("date_of_birth", "joined_on", "permanent_province") else "",
        )
    missing = member.missing_fields()
    assert set(blank) <= set(missing)
    assert member.compute_completeness() == (len(COMPLETENESS_FIELDS) - len(missing)) * 100 // len(
        COMPLETENESS_FIELDS
    )
    assert (member.compute_completeness() == 100) == (not missing)
