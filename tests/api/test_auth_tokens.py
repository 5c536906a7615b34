from datetime import timedelta

from django.utils import timezone

from congdoan.accounts.models import ApiToken, hash_token
from tests.conftest import PASSWORD


def _token(client, **payload):
    return client.post("/api/v1/auth/token", payload, content_type="application/json")


def test_token_for_username_and_email(client, admin_user):
    response = _token(client, username="fed_admin", password=PASSWORD)
    assert response.status_code == 200
    raw = response.json()["token"]
    assert ApiToken.objects.filter(key_hash=hash_token(raw)).exists()
    assert not ApiToken.objects.filter(key_hash=raw).exists()  # stored hashed
    assert _token(client, username="fed_admin@example.org", password=PASSWORD).status_code == 200


def test_wrong_password_is_401_and_rate_limited(client, admin_user):
    codes = [_token(client, username="fed_admin", password="wrong").status_code for _ in range(7)]
    assert codes[0] == 401
    assert codes[-1] == 429
    assert _token(client, username="fed_admin", password=PASSWORD).status_code == 429


def test_bearer_token_authenticates_and_expires(client, admin_user, tree):
    raw = _token(client, username="fed_admin", password=PASSWORD).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/units/PROV", **auth).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/units/PROV", **auth).status_code == 401
    assert client.get("/api/v1/units/PROV").status_code == 401


def test_owner_lists_and_revokes_own_tokens_only(admin_user, officer_b, api_client_for):
    client = api_client_for(admin_user)
    tokens = client.get("/api/v1/auth/tokens").json()
    assert len(tokens) == 1 and "key_hash" not in tokens[0]
    other, _raw = ApiToken.issue(officer_b)
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}").status_code == 404
    own = ApiToken.objects.get(user=admin_user)
    assert client.delete(f"/api/v1/auth/tokens/{own.pk}").status_code == 204
    assert client.get("/api/v1/auth/tokens").status_code == 401  # the revoked token no longer works


def test_totp_user_must_send_code(client, admin_user):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    response = _token(client, username="fed_admin", password=PASSWORD)
    assert response.status_code == 401 and "otp" in response.json()["detail"]
    assert _token(client, username="fed_admin", password=PASSWORD, otp="000000").status_code == 401
    counter = next(iter(yield_hotp_counters_from_time()))
    code = f"{hotp_value(secret, counter):06d}"
    assert _token(client, username="fed_admin", password=PASSWORD, otp=code).status_code == 200


def test_token_page_shows_new_token_once_and_revokes(admin_user, officer_b, client_for):
    client = client_for(admin_user)
    body = client.post("/account/tokens/", {"name": "máy tính"}).content.decode()
    assert 'data-testid="new-token"' in body
    assert 'data-testid="new-token"' not in client.get("/account/tokens/").content.decode()
    other, _raw = ApiToken.issue(officer_b)
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    own = ApiToken.objects.get(user=admin_user)
    client.post(f"/account/tokens/{own.pk}/revoke/")
    own.refresh_from_db()
    assert own.revoked_at is not None
