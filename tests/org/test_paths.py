"""org.paths: the one place that knows how a materialised path is built."""

import pytest

from congdoan.org.paths import ancestor_paths, is_within, parent_path, root_path


def test_ancestor_paths_top_first():
    assert ancestor_paths("000100020003") == ["0001", "00010002"]
    assert ancestor_paths("000100020003", include_self=True) == [
        "0001",
        "00010002",
        "000100020003",
    ]
    assert ancestor_paths("0001") == []


def test_root_parent_and_within():
    assert root_path("000100020003") == "0001"
    assert parent_path("000100020003") == "00010002"
    assert parent_path("0001") == ""
    assert is_within("000100020003", "00010002")
    assert not is_within("00010003", "00010002")


@pytest.mark.django_db
def test_subtree_of_and_scope_come_from_the_same_prefix(tree, officer_a):
    from congdoan.org.models import Unit

    codes = set(Unit.objects.subtree_of(tree.zone).values_list("code", flat=True))
    assert codes == {"ZONE", "GR-A1", "GR-A2"}
    assert set(tree.zone.subtree().values_list("code", flat=True)) == codes
    visible = Unit.objects.visible_to(officer_a).subtree_of(tree.prov)
    assert set(visible.values_list("code", flat=True)) == codes


@pytest.mark.django_db
def test_the_mfa_check_accounts_names_is_orgs(
    tree, admin_user, settings, django_capture_on_commit_callbacks
):
    from django.utils.module_loading import import_string

    from congdoan.org import queries, services

    check = import_string(settings.MFA_REQUIRED_CHECK)
    assert check is queries.mfa_required
    assert not check(admin_user)
    with django_capture_on_commit_callbacks(execute=True):  # the cached policy is dropped
        services.set_role_policy(admin_user, "administrator", require_mfa=True)
    assert check(admin_user)
