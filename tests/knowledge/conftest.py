"""Articles on the shared tree: one per level, all published unless a test says otherwise."""

from __future__ import annotations

import pytest

from congdoan.knowledge import services
from congdoan.knowledge.choices import ArticleStatus, Topic


class System:
    is_superuser = True
    is_authenticated = True
    is_active = True
    pk = None


SYSTEM = System()


def make_article(unit, title, body="", topic=Topic.POLICIES, status=ArticleStatus.PUBLISHED):
    return services.create_article(SYSTEM, unit, title=title, body=body, topic=topic, status=status)


@pytest.fixture
def articles(tree):
    tree.art_prov = make_article(
        tree.prov, "Chế độ thai sản", "Lao động nữ được nghỉ sinh con 6 tháng.", Topic.REGIMES
    )
    tree.art_zone = make_article(tree.zone, "Phúc lợi khu công nghiệp", topic=Topic.WELFARE)
    tree.art_a1 = make_article(
        tree.gr_a1, "Thỏa ước lao động tập thể Đông Bắc", topic=Topic.COLLECTIVE_AGREEMENT
    )
    tree.art_a2 = make_article(tree.gr_a2, "Thỏa ước Hoà Bình", topic=Topic.COLLECTIVE_AGREEMENT)
    tree.art_ward = make_article(tree.ward, "Trợ cấp phường Hạ Long", topic=Topic.BENEFITS)
    tree.draft_prov = make_article(
        tree.prov, "Dự thảo quy chế", status=ArticleStatus.DRAFT, topic=Topic.POLICIES
    )
    return tree
