"""Name search pages: two index-ordered runs (full-name prefix, then given-name prefix), slices
across their boundary, capped counts, the list page's count past the cap."""

import pytest

from congdoan.common import db
from congdoan.members import queries
from congdoan.members.models import Member

NAMES = [
    "Hoàng Văn An",
    "Hoàng Thị Bình",
    "Nguyễn Thị Hoa",
    "Trần Hòa",
    "Lê Văn Cường",
    "Hoà Minh Tâm",
    "Phạm Hoài",
]


@pytest.fixture
def named(tree, make_member):
    return [
        make_member(tree.gr_a1 if n % 2 else tree.gr_a2, n + 1, full_name=name)
        for n, name in enumerate(NAMES)
    ]


def _names(rows):
    return [m.full_name for m in rows]


def test_runs_in_index_order(named):
    pages = queries.NameSearchPages(Member.objects.search("hoa"), "hoa")
    # Full names starting "hoa…" by name (bytes), then given names starting "hoa…" by given name.
    expected = [
        "Hoà Minh Tâm",
        "Hoàng Thị Bình",
        "Hoàng Văn An",
        "Nguyễn Thị Hoa",
        "Trần Hòa",
        "Phạm Hoài",
    ]
    assert _names(pages.slice(0, 50)) == expected
    for start in range(len(expected) + 1):
        for stop in range(start, len(expected) + 2):
            assert _names(pages.slice(start, stop)) == expected[start:stop], (start, stop)


def test_same_matches_as_the_filter(named):
    found = set(Member.objects.search("hoa").values_list("full_name", flat=True))
    assert found == {
        "Hoà Minh Tâm",
        "Hoàng Thị Bình",
        "Hoàng Văn An",
        "Nguyễn Thị Hoa",
        "Trần Hòa",
        "Phạm Hoài",
    }
    assert set(Member.objects.search("hoang van").values_list("full_name", flat=True)) == {
        "Hoàng Văn An"
    }
    assert not Member.objects.search("hoangz").exists()


def test_capped_count(named):
    assert queries.capped_count(Member.objects.all(), 3) == 4
    assert queries.capped_count(Member.objects.search("hoang"), 3) == 2


def test_list_pages_through_both_runs(named, admin_user, client_for):
    client = client_for(admin_user)
    first = client.get("/members/", {"q": "hoa", "per_page": 4}).content.decode()
    second = client.get("/members/", {"q": "hoa", "per_page": 4, "page": 2}).content.decode()
    assert "Hoàng Văn An" in first and "Nguyễn Thị Hoa" in first and "Trần Hòa" not in first
    assert "Trần Hòa" in second and "Phạm Hoài" in second and "Hoàng Văn An" not in second
    assert "6 đoàn viên" in first
    # Sorting by a column: the database sorts all matches.
    by_card = client.get("/members/", {"q": "hoa", "sort": "-card_number"}).content.decode()
    assert by_card.index("Phạm Hoài") < by_card.index("Hoà Minh Tâm")


def test_list_counts_past_the_cap(named, admin_user, client_for, monkeypatch):
    # Exact past the cap where the engine has no estimate (SQLite); "about" is in test_list_page.
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: None)
    body = client_for(admin_user).get("/members/", {"q": "hoa"}).content.decode()
    assert "6 đoàn viên" in body and "hơn 3" not in body
    body = client_for(admin_user).get("/members/", {"q": "hoang"}).content.decode()
    assert "2 đoàn viên" in body


def test_list_folds_secondary_columns_for_phones(named, admin_user, client_for):
    body = client_for(admin_user).get("/members/", {"q": "hoang van"}).content.decode()
    # Card, date of birth, unit and status repeat under the name below 768 px; their columns hide.
    assert 'class="d-md-none small text-body-secondary"' in body
    assert '<td class="d-md-table-cell d-none">' in body and "17/05/1990" in body
    # Filters other than the search box collapse behind a button on phones, open when one is set.
    assert 'id="member-filters"' in body and 'data-bs-target="#member-filters"' in body
    assert 'collapse d-lg-block" id="member-filters"' in body
    filtered = client_for(admin_user).get("/members/", {"status": "active"}).content.decode()
    assert 'collapse d-lg-block show" id="member-filters"' in filtered
