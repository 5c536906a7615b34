from django.core import mail

from tests.conftest import PASSWORD


def test_login_with_username_or_email(client, admin_user):
    assert (
        client.post("/accounts/login/", {"login": "fed_admin", "password": PASSWORD}).status_code
        == 302
    )
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "fed_admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_login_page_is_vietnamese_without_signup(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "Đăng nhập" in body
    assert "/accounts/signup/" not in body


def test_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "x",
            "email": "x@example.org",
            "password1": "Sup3r-secret-pw",
            "password2": "Sup3r-secret-pw",
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="x").exists()
    assert response.status_code in (200, 302)


def test_failed_logins_are_rate_limited(client, admin_user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "fed_admin", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "fed_admin", "password": PASSWORD})
    assert response.status_code == 200  # refused even with the right password
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_email(client, admin_user):
    response = client.post("/accounts/password/reset/", {"email": "fed_admin@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_passwords_are_hashed_with_argon2_outside_tests():
    import subprocess
    import sys

    code = (
        "import os; os.environ.pop('FAST_PASSWORD_HASHER', None); "
        "os.environ['DJANGO_SETTINGS_MODULE']='congdoan.settings'; import django; django.setup(); "
        "from django.contrib.auth.hashers import make_password; print(make_password('x').split('$')[0])"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "FAST_PASSWORD_HASHER"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "argon2"


def test_admin_login_goes_through_the_sites_login(client, db):
    """Django's own admin login form would skip the two-factor step and the rate limits."""
    from tests.conftest import make_user

    make_user("root", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert (
        client.post("/accounts/login/", {"login": "root", "password": PASSWORD}).status_code == 302
    )
    assert client.get("/admin/").status_code == 200
