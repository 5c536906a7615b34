"""API error bodies are in the user's language, and a 404 names no model."""

import pytest


@pytest.mark.django_db
def test_401_and_404_bodies_are_vietnamese(client, client_for, officer_b, tree):
    anonymous = client.get("/api/v1/units")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Hãy đăng nhập trước")
    hidden = client_for(officer_b).get("/api/v1/units/GR-A1")
    missing = client_for(officer_b).get("/api/v1/units/NO-SUCH")
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()
        == missing.json()
        == {"detail": "Không tìm thấy, hoặc nằm ngoài các đơn vị bạn phụ trách."}
    )
