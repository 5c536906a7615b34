import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client

from congdoan.accounts.models import ApiToken
from congdoan.org import services
from congdoan.org.choices import Role
from tests.conftest import PASSWORD

MFA_MESSAGE = "bắt buộc xác thực hai lớp"  # Vietnamese unless the user picks English


@pytest.fixture
def require_mfa_for_officers(admin_user, django_capture_on_commit_callbacks):
    """Turn the policy on as the page does: the cached role set is dropped on commit."""

    def turn_on():
        with django_capture_on_commit_callbacks(execute=True):
            services.set_role_policy(admin_user, Role.OFFICER, require_mfa=True)

    return turn_on


def _totp_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return f"{hotp_value(secret, counter):06d}"


def _token(client, **payload):
    return client.post("/api/v1/auth/token", payload, content_type="application/json")


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_role_requiring_mfa_sends_holder_to_setup(tree, admin_user, officer_a, client_for):
    cache.clear()
    client = client_for(officer_a)
    assert client.get("/units/").status_code == 200
    services.set_role_policy(admin_user, Role.OFFICER, require_mfa=True)
    cache.clear()
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    assert client.get("/healthz").status_code == 200


def test_policy_needs_top_administrator(tree, zone_admin):
    from congdoan.common.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.set_role_policy(zone_admin, Role.OFFICER, require_mfa=True)


def test_session_api_is_refused_with_json_until_totp_is_set_up(
    officer_a, client_for, require_mfa_for_officers
):
    client = client_for(officer_a)
    assert client.get("/api/v1/units/ZONE").status_code == 200
    require_mfa_for_officers()
    response = client.get("/api/v1/units/ZONE")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert MFA_MESSAGE in response.json()["detail"]
    TOTP.activate(officer_a, generate_totp_secret())
    assert client.get("/api/v1/units/ZONE").status_code == 200


def test_session_api_refusal_in_english(officer_a, client_for, require_mfa_for_officers):
    require_mfa_for_officers()
    client = client_for(officer_a)
    client.cookies["django_language"] = "en"
    detail = client.get("/api/v1/units/ZONE").json()["detail"]
    assert "Your role requires two-factor authentication" in detail


def test_token_endpoint_refuses_obliged_user_without_totp(
    client, officer_a, require_mfa_for_officers
):
    require_mfa_for_officers()
    response = _token(client, username="officer_a", password=PASSWORD)
    assert response.status_code == 403
    assert MFA_MESSAGE in response.json()["detail"]
    assert not ApiToken.objects.filter(user=officer_a).exists()


def test_token_endpoint_answers_a_logged_in_obliged_user_itself(
    officer_a, client_for, require_mfa_for_officers
):
    """The middleware lets the token endpoint through, so it can say what is missing."""
    require_mfa_for_officers()
    response = _token(client_for(officer_a), username="officer_a", password=PASSWORD)
    assert response.status_code == 403 and MFA_MESSAGE in response.json()["detail"]


def test_obliged_user_with_totp_gets_a_working_token_only_with_the_code(
    client, officer_a, require_mfa_for_officers
):
    require_mfa_for_officers()
    secret = generate_totp_secret()
    TOTP.activate(officer_a, secret)
    assert _token(client, username="officer_a", password=PASSWORD).status_code == 401
    response = _token(client, username="officer_a", password=PASSWORD, otp=_totp_code(secret))
    assert response.status_code == 200
    assert _bearer(response.json()["token"]).get("/api/v1/units/ZONE").status_code == 200


def test_token_issued_before_the_policy_stops_working(client, officer_a, require_mfa_for_officers):
    raw = _token(client, username="officer_a", password=PASSWORD).json()["token"]
    assert _bearer(raw).get("/api/v1/units/ZONE").status_code == 200
    require_mfa_for_officers()
    response = _bearer(raw).get("/api/v1/units/ZONE")
    assert response.status_code == 403 and MFA_MESSAGE in response.json()["detail"]
    # Setting up TOTP does not revive it: it was issued on the password alone.
    TOTP.activate(officer_a, generate_totp_secret())
    response = _bearer(raw).get("/api/v1/units/ZONE")
    assert response.status_code == 403 and "otp" in response.json()["detail"]


def test_token_made_on_the_page_by_a_totp_user_works_under_the_policy(
    officer_a, client_for, require_mfa_for_officers
):
    require_mfa_for_officers()
    TOTP.activate(officer_a, generate_totp_secret())
    body = client_for(officer_a).post("/account/tokens/", {"name": "script"}).content.decode()
    raw = re.search(r'data-testid="new-token">([^<]+)<', body).group(1)
    assert _bearer(raw).get("/api/v1/units/ZONE").status_code == 200


def test_policy_does_not_touch_roles_it_does_not_name(client, zone_admin, require_mfa_for_officers):
    require_mfa_for_officers()
    raw = _token(client, username="zone_admin", password=PASSWORD).json()["token"]
    assert _bearer(raw).get("/api/v1/units/ZONE").status_code == 200
