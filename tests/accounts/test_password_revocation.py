"""A new password shuts out whoever held the old one: other sessions and all API tokens."""

import re

from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from congdoan.accounts.models import ApiToken
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "Mật-khẩu-mới-2026"


def _logged_in(user) -> Client:
    """A client that logged in through the form, as a browser elsewhere would have."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _is_logged_in(client: Client) -> bool:
    return client.get("/units/").status_code == 200


def _token_works(raw: str) -> bool:
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    return client.get("/api/v1/auth/tokens").status_code == 200


def test_password_change_ends_other_sessions_and_tokens(admin_user):
    here, elsewhere = _logged_in(admin_user), _logged_in(admin_user)
    _token, raw = ApiToken.issue(admin_user)
    assert _token_works(raw) and _is_logged_in(elsewhere)
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _is_logged_in(here)  # the session that changed it goes on
    assert not _is_logged_in(elsewhere)
    assert not _token_works(raw)
    assert ApiToken.objects.get(user=admin_user).revoked_at is not None


def test_password_reset_ends_sessions_and_tokens(admin_user):
    elsewhere = _logged_in(admin_user)
    _token, raw = ApiToken.issue(admin_user)
    client = Client()
    client.post("/accounts/password/reset/", {"email": admin_user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW_PASSWORD)
    assert not _is_logged_in(elsewhere)
    assert not _token_works(raw)


def test_password_set_in_the_admin_revokes_tokens(admin_user):
    root = make_user("root", is_staff=True, is_superuser=True)
    _token, raw = ApiToken.issue(admin_user)
    client = Client()
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{admin_user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not _token_works(raw)


def test_password_set_in_code_revokes_tokens_of_that_user_only(admin_user, officer_b):
    _token, raw = ApiToken.issue(admin_user)
    _other, other_raw = ApiToken.issue(officer_b)
    admin_user.set_password(NEW_PASSWORD)
    admin_user.save()
    assert not _token_works(raw)
    assert _token_works(other_raw)


def test_hash_upgrade_and_other_saves_keep_tokens(admin_user, settings):
    """Logging in may re-hash the same password and always stamps last_login: not a change."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    admin_user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    admin_user.save()
    _token, raw = ApiToken.issue(admin_user)
    _logged_in(admin_user)
    admin_user.refresh_from_db()
    assert admin_user.password.startswith("md5$")  # upgraded on login
    admin_user.full_name = "Nguyễn Thị Hạnh (Phó Chủ tịch)"
    admin_user.save()
    assert _token_works(raw)
