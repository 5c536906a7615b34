from congdoan.common.navigation import items_for
from congdoan.org.scoping import roles_held


def test_menu_follows_roles(tree, admin_user, no_role_user):
    admin_labels = [str(i.label) for i in items_for(admin_user, roles_held(admin_user))]
    assert "Organisation" in admin_labels or "Tổ chức" in admin_labels
    nobody = [i.url_name for i in items_for(no_role_user, roles_held(no_role_user))]
    assert "org:tree" not in nobody


def test_anonymous_gets_no_menu(rf):
    from django.contrib.auth.models import AnonymousUser

    assert items_for(AnonymousUser(), set()) == []


def test_only_the_longest_matching_item_is_active(tree, admin_user, client_for):
    body = client_for(admin_user).get("/units/").content.decode()
    assert body.count('aria-current="page"') == 1
