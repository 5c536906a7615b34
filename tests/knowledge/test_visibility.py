"""Who reads which article: an article reaches its unit's whole subtree; an officer also reads
what the units above theirs published, never a sibling's nor a lower unit's of another line."""

from __future__ import annotations

from congdoan.knowledge.models import Article
from tests.conftest import make_user


def titles(user) -> set[str]:
    return set(Article.objects.visible_to(user).values_list("title", flat=True))


def test_grassroots_officer_reads_their_own_and_what_is_above(articles, grassroots_a):
    assert titles(grassroots_a) == {
        "Chế độ thai sản",
        "Phúc lợi khu công nghiệp",
        "Thỏa ước lao động tập thể Đông Bắc",
    }


def test_zone_officer_reads_the_zone_subtree_and_the_province(articles, officer_a):
    assert titles(officer_a) == {
        "Chế độ thai sản",
        "Phúc lợi khu công nghiệp",
        "Thỏa ước lao động tập thể Đông Bắc",
        "Thỏa ước Hoà Bình",
    }


def test_sibling_officer_reads_nothing_of_the_zone(articles, officer_b):
    assert titles(officer_b) == {"Chế độ thai sản", "Trợ cấp phường Hạ Long"}


def test_drafts_reach_only_the_owning_subtree(articles, admin_user, officer_a):
    assert "Dự thảo quy chế" in titles(admin_user)
    assert "Dự thảo quy chế" not in titles(officer_a)


def test_no_role_and_anonymous_read_nothing(articles, no_role_user):
    from django.contrib.auth.models import AnonymousUser

    assert titles(no_role_user) == set()
    assert titles(AnonymousUser()) == set()


def test_a_user_with_roles_on_two_lines_reads_both(articles, tree):
    user = make_user("two_lines", tree.gr_a2, "viewer")
    from congdoan.org.models import RoleAssignment

    RoleAssignment.objects.create(user=user, unit=tree.gr_b1, role="viewer")
    assert titles(user) == {
        "Chế độ thai sản",
        "Phúc lợi khu công nghiệp",
        "Thỏa ước Hoà Bình",
        "Trợ cấp phường Hạ Long",
    }


def test_visible_to_is_one_query(articles, grassroots_a, django_assert_num_queries):
    grassroots_a = type(grassroots_a).objects.get(pk=grassroots_a.pk)
    with django_assert_num_queries(2):  # the user's assignments (cached after), the articles
        list(Article.objects.visible_to(grassroots_a))
