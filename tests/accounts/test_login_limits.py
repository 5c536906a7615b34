"""Failed logins are limited per account and per client address, on the page and the API.

The settings under test: 5 failures per account and 100 per address in 5 minutes; the client
address is the one TRUSTED_PROXY_COUNT proxies saw (allauth's ALLAUTH_TRUSTED_PROXY_COUNT).
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user


def _login(client: Client, login: str, password: str, **headers) -> bool:
    """True when the login page let the user in."""
    client.post("/accounts/login/", {"login": login, "password": password}, **headers)
    logged_in = "_auth_user_id" in client.session
    client.logout()
    return logged_in


def _token(client: Client, username: str, password: str, **headers):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        **headers,
    )


def test_one_users_failures_do_not_lock_out_others_at_the_same_address(admin_user, officer_a):
    client = Client()  # every request comes from 127.0.0.1, like an office behind one NAT
    for _ in range(5):
        assert not _login(client, "fed_admin", "wrong")
    assert not _login(client, "fed_admin", PASSWORD)  # the account is locked
    assert _login(client, "officer_a", PASSWORD)  # its colleague is not


@pytest.fixture
def account_limit_only(settings):
    """Only the per-account counter, so that the address counter cannot hide a miscount."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}


def test_account_limit_counts_every_name_of_the_account(admin_user, account_limit_only):
    client = Client()
    for login in ("fed_admin", "FED_ADMIN", "fed_admin@example.org", "Fed_Admin", "fed_admin"):
        assert not _login(client, login, "wrong")
    assert not _login(client, "fed_admin@example.org", PASSWORD)


def test_address_limit_stops_guessing_across_accounts(tree):
    client = Client()
    for number in range(100):
        assert _token(client, f"guess{number}", "wrong").status_code == 401
    make_user("late_colleague")
    assert _token(client, "late_colleague", PASSWORD).status_code == 429
    # another address is not affected
    assert _token(client, "late_colleague", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_trusted_proxy_count_tells_clients_apart(admin_user, officer_a, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip"}
    client = Client()  # REMOTE_ADDR is the proxy's: 127.0.0.1 for everyone
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(3):
        assert not _login(client, "nobody-here", "wrong", **first)
    assert not _login(client, "officer_a", PASSWORD, **first)
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert _login(client, "officer_a", PASSWORD, **second)
    # A client cannot pose as another by sending its own X-Forwarded-For: the proxy appends
    # the address it saw, and only that last entry is trusted.
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.7"}
    assert not _login(client, "officer_a", PASSWORD, **forged)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(admin_user, officer_a, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip"}
    client = Client()
    for number in range(3):
        headers = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}
        assert not _login(client, "nobody-here", "wrong", **headers)
    assert not _login(client, "officer_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")


def test_api_token_endpoint_has_the_same_limits(admin_user, officer_a):
    client = Client()
    codes = [_token(client, "fed_admin", "wrong").status_code for _ in range(5)]
    assert codes == [401] * 5
    assert _token(client, "fed_admin", PASSWORD).status_code == 429
    assert _token(client, "officer_a", PASSWORD).status_code == 200


def test_page_and_api_share_one_counter_per_account(admin_user, account_limit_only):
    client = Client()
    for _ in range(3):
        assert not _login(client, "fed_admin", "wrong")
    for _ in range(2):
        assert _token(client, "fed_admin@example.org", "wrong").status_code == 401
    assert _token(client, "fed_admin", PASSWORD).status_code == 429
    assert not _login(client, "fed_admin", PASSWORD)


def test_success_does_not_reset_the_account_counter(admin_user):
    """allauth rolls back only the successful attempt, so interleaved right logins do not
    buy an attacker more guesses."""
    client = Client()
    for _ in range(4):
        assert _token(client, "fed_admin", "wrong").status_code == 401
    assert _token(client, "fed_admin", PASSWORD).status_code == 200
    assert _token(client, "fed_admin", "wrong").status_code == 401
    assert _token(client, "fed_admin", PASSWORD).status_code == 429


def test_environment_sets_the_limits_and_the_proxy_count():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'congdoan.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "s.ACCOUNT_RATE_LIMITS['login_failed'])"
    )

    def run(**env) -> str:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTED_", "LOGIN_"))}
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**keep, **env},
            check=True,
        )
        return out.stdout.strip()

    assert run() == "0 None 100/5m/ip,5/5m/key"
    assert (
        run(TRUSTED_PROXY_COUNT="2", TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
        == "2 X-Real-IP 100/5m/ip,5/5m/key"
    )
    assert run(LOGIN_FAILURES_PER_ADDRESS="300") == "0 None 300/5m/ip,5/5m/key"


def test_counters_live_in_the_shared_cache(admin_user, settings):
    """With REDIS_URL the default cache is Redis, and allauth counts in the default cache, so
    every web process sees the same counters."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        connection = redis.Redis.from_url(url)
        connection.ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        client = Client()
        for _ in range(5):
            assert _token(client, "fed_admin", "wrong").status_code == 401
        assert connection.keys(f"{prefix}:*login_failed*")
        # A second "process": a fresh connection to the same Redis sees the lock-out.
        from django.core.cache import caches

        caches["default"].close()
        assert _token(Client(), "fed_admin", PASSWORD).status_code == 429
    finally:
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
