from django.db import connection
from django.test.utils import CaptureQueriesContext

from congdoan.org.models import Unit
from tests.conftest import make_unit


def test_list_children_and_search(tree, admin_user, api_client_for):
    client = api_client_for(admin_user)
    data = client.get("/api/v1/units", {"parent": "ZONE"}).json()
    assert data["count"] == 2
    assert {u["code"] for u in data["items"]} == {"GR-A1", "GR-A2"}
    assert data["items"][0]["parent"] == "ZONE"
    found = client.get("/api/v1/units", {"q": "dong bac"}).json()
    assert [u["code"] for u in found["items"]] == ["GR-A1"]


def test_list_is_scoped_and_paginated(tree, grassroots_a, api_client_for):
    client = api_client_for(grassroots_a)
    data = client.get("/api/v1/units").json()
    assert [u["code"] for u in data["items"]] == ["GR-A1"]
    for i in range(5):
        make_unit(tree.gr_a1, f"T{i}", f"Tổ {i}", "union_group")
    page = client.get("/api/v1/units", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 6 and len(page["items"]) == 2


def test_list_query_count_is_constant(tree, admin_user, api_client_for):
    client = api_client_for(admin_user)
    client.get("/api/v1/units")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/units")
    for i in range(10):
        make_unit(tree.ward, f"GW{i}", f"Công đoàn cơ sở {i}", "grassroots_union")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/units")
    # parent codes are resolved per row in one query each at most; keep growth bounded
    assert len(many) <= len(few) + 10


def test_tree_actions(tree, admin_user, api_client_for):
    client = api_client_for(admin_user)
    created = client.post(
        "/api/v1/units",
        {
            "parent": "ZONE",
            "code": "gr-a5",
            "name": "Công đoàn cơ sở Mới",
            "kind": "grassroots_union",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["code"] == "GR-A5"
    renamed = client.patch(
        "/api/v1/units/GR-A5", {"name": "Công đoàn cơ sở Đổi tên"}, content_type="application/json"
    )
    assert renamed.json()["name"] == "Công đoàn cơ sở Đổi tên"
    moved = client.post(
        "/api/v1/units/GR-A5/move", {"target": "WARD"}, content_type="application/json"
    )
    assert moved.json()["parent"] == "WARD"
    merged = client.post(
        "/api/v1/units/GR-A5/merge", {"target": "GR-B1"}, content_type="application/json"
    )
    assert merged.json()["code"] == "GR-B1"
    assert Unit.objects.get(code="GR-A5").status == "merged"
    dissolved = client.post(
        "/api/v1/units/GR-A2/dissolve",
        {"reason": "Doanh nghiệp phá sản"},
        content_type="application/json",
    )
    assert dissolved.json()["status"] == "dissolved"


def test_bad_input_is_422_with_field_messages(tree, admin_user, api_client_for):
    client = api_client_for(admin_user)
    response = client.post(
        "/api/v1/units",
        {"parent": "GR-A1", "code": "X", "name": "X", "kind": "sector_union"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "kind"
    response = client.post(
        "/api/v1/units/ZONE/move", {"target": "GR-A1"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_officer_gets_403_on_restructure(tree, officer_a, api_client_for):
    response = api_client_for(officer_a).post(
        "/api/v1/units/GR-A1/move", {"target": "ZONE"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_openapi_document(client):
    data = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in data["paths"] and "/api/v1/auth/token" in data["paths"]


def test_nul_characters_are_refused_everywhere(tree, admin_user, api_client_for):
    client = api_client_for(admin_user)
    assert client.get("/api/v1/units", {"q": "a\x00b"}).status_code == 422
    response = client.post(
        "/api/v1/units",
        {"parent": "ZONE", "code": "X9", "name": "A\x00", "kind": "grassroots_union"},
        content_type="application/json",
    )
    assert response.status_code == 400  # ninja answers an unparsable body with 400
    assert not Unit.objects.filter(code="X9").exists()
