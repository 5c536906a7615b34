"""The member list over the API (``GET /api/v1/members``): the list page's pages
(``queries.MemberPages``) in the same order, a count exact up to the cap and flagged as an
estimate beyond it, paging by offset and by cursor, filters and scope."""

from __future__ import annotations

import base64
import json

import pytest

from congdoan.api import api
from congdoan.common import db
from congdoan.common.api_schemas import encode_cursor
from congdoan.members import queries

URL = "/api/v1/members"

# Two runs for "hoa": full names starting with it (by name), then given names (by given name);
# the repeated name makes pages end between rows of one key (the id decides).
NAMES = [
    "Hoàng Văn An",
    "Hoàng Thị Bình",
    "Nguyễn Thị Hoa",
    "Trần Hòa",
    "Lê Văn Cường",
    "Hoà Minh Tâm",
    "Phạm Hoài",
    "Hoàng Văn An",
    "Đỗ Thị Hoa",
    "Hoàng Văn An",
]
HOA = [
    "Hoà Minh Tâm",
    "Hoàng Thị Bình",
    "Hoàng Văn An",
    "Hoàng Văn An",
    "Hoàng Văn An",
    "Đỗ Thị Hoa",
    "Nguyễn Thị Hoa",
    "Trần Hòa",
    "Phạm Hoài",
]


@pytest.fixture
def named(tree, make_member):
    # Odd rows in GR-A1, even ones in GR-A2 (both ZONE); one more in GR-B1 (WARD).
    rows = [
        make_member(
            tree.gr_a1 if n % 2 else tree.gr_a2,
            n + 1,
            full_name=name,
            gender="female" if "Thị" in name else "male",
        )
        for n, name in enumerate(NAMES)
    ]
    rows.append(make_member(tree.gr_b1, 99, full_name="Hoàng Thị Hoa"))
    return rows


@pytest.fixture(params=["index order", "sorted"])
def order(request, monkeypatch):
    """Both ways of reading a page: in index order (a large scope), and sorted (a small scope,
    ``queries.few_rows``; SQLite has no estimate, so it is forced here)."""
    monkeypatch.setattr(queries, "few_rows", lambda qs: request.param == "sorted")
    return request.param


def _get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _names(body):
    return [item["full_name"] for item in body["items"]]


def _every_page_by_offset(client, limit, **params):
    rows, offset = [], 0
    while True:
        body = _get(client, limit=limit, offset=offset, **params)
        rows += body["items"]
        if not body["items"]:
            return rows
        offset += limit


def _every_page_by_cursor(client, limit, **params):
    body = _get(client, limit=limit, **params)
    rows = body["items"]
    while body["next"] is not None:
        assert len(body["items"]) == limit  # a next cursor only after a full page
        body = _get(client, limit=limit, cursor=body["next"], **params)
        rows += body["items"]
    return rows


def test_count_is_exact_under_the_cap(named, admin_user, api_client_for):
    body = _get(api_client_for(admin_user), q="hoa")
    assert body["count"] == len(HOA) + 1 and body["count_exact"] is True
    assert body["next"] is None


def test_count_over_the_cap_is_the_estimate_flagged_inexact(
    named, admin_user, api_client_for, monkeypatch
):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: 59381)
    client = api_client_for(admin_user)
    body = _get(client, q="hoa", limit=2)
    assert (body["count"], body["count_exact"]) == (59381, False)
    assert len(body["items"]) == 2 and body["next"]
    # An estimate below what was counted: the cap + 1, still flagged.
    monkeypatch.setattr(db, "planner_estimate", lambda qs: 2)
    assert _get(client, q="hoa") | {"items": None, "next": None} == {
        "items": None,
        "count": 4,
        "count_exact": False,
        "next": None,
    }
    # Under the cap the count stays exact.
    body = _get(client, q="hoang van")
    assert (body["count"], body["count_exact"]) == (3, True)


def test_far_over_the_cap_the_estimate_is_not_counted(
    named, admin_user, api_client_for, monkeypatch
):
    # The planner expects ten times the cap: counting up to the cap would only confirm it.
    monkeypatch.setattr(queries, "planner_estimate", lambda qs: 10 * queries.COUNT_CAP)
    monkeypatch.setattr(queries, "count_rows", lambda qs, cap: pytest.fail("counted"))
    body = _get(api_client_for(admin_user), q="hoa", limit=3)
    assert (body["count"], body["count_exact"]) == (10 * queries.COUNT_CAP, False)
    assert _names(body) == HOA[:2] + ["Hoàng Thị Hoa"]


def test_past_the_cap_without_an_estimate_the_count_is_exact(
    named, admin_user, api_client_for, monkeypatch
):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: None)  # SQLite
    body = _get(api_client_for(admin_user), q="hoa")
    assert (body["count"], body["count_exact"]) == (len(HOA) + 1, True)


def test_name_search_in_the_list_pages_order(named, admin_user, api_client_for, client_for, order):
    # The province sees GR-B1's "Hoàng Thị Hoa" too: between Hoàng Thị Bình and Hoàng Văn An.
    expected = HOA[:2] + ["Hoàng Thị Hoa"] + HOA[2:]
    api_rows = _get(api_client_for(admin_user), q="hoa")["items"]
    assert [row["full_name"] for row in api_rows] == expected
    page = client_for(admin_user).get("/members/", {"q": "hoa"})
    web_rows = [row.record.pk for row in page.context["table"].page.object_list]
    assert [row["id"] for row in api_rows] == web_rows
    # Equal names come by id.
    ans = [row["id"] for row in api_rows if row["full_name"] == "Hoàng Văn An"]
    assert ans == sorted(ans)


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 9, 50])
@pytest.mark.parametrize("params", [{"q": "hoa"}, {}, {"q": "0912300003"}, {"q": "hoang van"}])
def test_every_row_once_by_offset_and_by_cursor(
    named, officer_a, api_client_for, order, limit, params
):
    client = api_client_for(officer_a)
    whole = _get(client, limit=500, **params)
    assert whole["count"] == len(whole["items"]) and whole["count_exact"]
    ids = [row["id"] for row in whole["items"]]
    assert len(set(ids)) == len(ids)
    assert [row["id"] for row in _every_page_by_offset(client, limit, **params)] == ids
    assert [row["id"] for row in _every_page_by_cursor(client, limit, **params)] == ids
    if not params:  # ZONE's members, by name
        assert len(ids) == len(NAMES)
        assert [row["full_name"] for row in whole["items"]][:2] == ["Đỗ Thị Hoa", "Hoà Minh Tâm"]


def test_offset_past_the_end_is_empty(named, admin_user, api_client_for):
    body = _get(api_client_for(admin_user), q="hoa", offset=500)
    assert body["items"] == [] and body["next"] is None and body["count"] == len(HOA) + 1


def test_filters_apply(named, tree, officer_a, api_client_for, order):
    client = api_client_for(officer_a)
    assert _names(_get(client, q="hoa", gender="female")) == [
        "Hoàng Thị Bình",
        "Đỗ Thị Hoa",
        "Nguyễn Thị Hoa",
    ]
    body = _get(client, q="hoa", unit="GR-A1")  # the odd rows of NAMES
    assert _names(body) == [
        "Hoà Minh Tâm",
        "Hoàng Thị Bình",
        "Hoàng Văn An",
        "Hoàng Văn An",
        "Trần Hòa",
    ]
    assert body["count"] == len(body["items"])
    assert _get(client, q="hoa", status="left")["items"] == []
    by_cursor = _every_page_by_cursor(client, 1, q="hoa", gender="female")
    assert [row["full_name"] for row in by_cursor] == [
        "Hoàng Thị Bình",
        "Đỗ Thị Hoa",
        "Nguyễn Thị Hoa",
    ]


def test_other_subtree_sees_only_its_own_rows(named, officer_a, officer_b, api_client_for, order):
    client_b = api_client_for(officer_b)
    body = _get(client_b, q="hoa")
    assert _names(body) == ["Hoàng Thị Hoa"] and body["count"] == 1
    assert len(_get(client_b)["items"]) == 1
    # Another officer's cursor only says where to start: it never opens their rows.
    first = _get(api_client_for(officer_a), q="hoa", limit=1)
    assert _names(_get(client_b, q="hoa", cursor=first["next"])) == ["Hoàng Thị Hoa"]
    assert client_b.get(URL, {"q": "hoa", "unit": "GR-A1"}).status_code == 404


def _cursor(position) -> str:
    return encode_cursor(position) if isinstance(position, list) else position


@pytest.mark.parametrize(
    "position",
    ["x", "!!!", [], [0, 1, 2], [7, "a", 1], [0, "a", "1"], [0, "a\x00", 1], [0, "a", 2**63]],
)
def test_a_cursor_no_page_gave_is_422(named, admin_user, api_client_for, position):
    cursor = _cursor(position)
    response = api_client_for(admin_user).get(URL, {"q": "hoa", "cursor": cursor})
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == "cursor"


@pytest.mark.parametrize("value", ["null", "1", '"a"', '{"a": 1}'])
def test_a_cursor_of_no_list_is_422(named, admin_user, api_client_for, value):
    cursor = base64.urlsafe_b64encode(value.encode()).decode()
    response = api_client_for(admin_user).get(URL, {"q": "hoa", "cursor": cursor})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "cursor"


def test_cursor_with_an_offset_is_422(named, admin_user, api_client_for):
    client = api_client_for(admin_user)
    cursor = _get(client, q="hoa", limit=1)["next"]
    response = client.get(URL, {"q": "hoa", "cursor": cursor, "offset": 3})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "offset"


def test_openapi_documents_count_exact_and_the_cursor():
    document = json.loads(json.dumps(api.get_openapi_schema()))
    operation = document["paths"]["/api/v1/members"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) >= {"items", "count", "count_exact", "next"}
    fields = schema["properties"]
    assert fields["count_exact"]["type"] == "boolean"
    assert "estimate" in fields["count_exact"]["description"]
    assert "estimate" in fields["count"]["description"]
    assert "cursor" in fields["next"]["description"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"limit", "offset", "cursor", "q"} <= set(parameters)
    assert "next" in parameters["cursor"]["description"]
    assert f"{queries.COUNT_CAP:,}" in operation["description"]


@pytest.mark.parametrize(
    ("estimate", "small"),
    [(5, True), (queries.SMALL_SCOPE, True), (queries.SMALL_SCOPE + 1, False), (None, False)],
)
def test_a_small_scope_is_sorted(estimate, small, monkeypatch, db):
    from congdoan.members.models import Member

    monkeypatch.setattr(queries, "planner_estimate", lambda qs: estimate)
    assert queries.few_rows(Member.objects.all()) is small
    pages = queries.MemberPages.of(Member.objects.all(), "hoa")
    ordering = str(pages.runs[0][0].query.order_by[0])
    assert ("Lower" in ordering) is small
