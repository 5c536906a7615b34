"""Malformed input to the API is the caller's mistake: a 4xx with a JSON message, never a
server error. Each case here was a 500 once (found by schemathesis or by hand)."""

from __future__ import annotations

import pytest

from congdoan.org.models import Unit


@pytest.fixture
def api(tree, admin_user, api_client_for):
    return api_client_for(admin_user)


def _json(client, method: str, path: str, body) -> object:
    return getattr(client, method)(path, body, content_type="application/json")


# --- units ---------------------------------------------------------------------------------------
def test_unknown_unit_kind_is_422(api):
    response = _json(
        api, "post", "/api/v1/units", {"parent": "ZONE", "code": "X1", "name": "X", "kind": "nope"}
    )
    assert response.status_code == 422
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.parametrize("field", ["employer_name", "ownership", "name", "address"])
def test_null_for_a_text_field_is_422(api, field):
    response = _json(api, "patch", "/api/v1/units/GR-A1", {field: None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_null_for_worker_count_still_clears_it(api, tree):
    response = _json(api, "patch", "/api/v1/units/GR-A1", {"worker_count": None})
    assert response.status_code == 200 and response.json()["worker_count"] is None
