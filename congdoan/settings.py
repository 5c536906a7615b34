"""Settings for Công Đoàn Số, read from the environment in this one module.

Defaults make ``make run`` work on a fresh machine: SQLite (WAL) under ``var/``, DEBUG on,
e-mail to the console, background tasks run in-process. Production sets at least
``SECRET_KEY``, ``DEBUG=0``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CONGDOAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdefghijk"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The installation's public address, for links that leave the site (the QR codes printed on
# certificates and shown for check-in): never the host a page happened to be opened from.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Project apps first: their templates and translations take precedence over the
    # third-party ones (Django's admin translates "History" differently, for one).
    "congdoan.common",
    "congdoan.accounts",
    "congdoan.notifications",
    "congdoan.org",
    "congdoan.members",
    "congdoan.skills",
    "congdoan.documents",
    "congdoan.knowledge",
    # Last of the domain apps: its demo snapshots the figures the others' demos made.
    "congdoan.indicators",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "treebeard",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files (SVG can carry script) get the policy too.
    "congdoan.common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congdoan.common.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "congdoan.org.middleware.RequireMfaMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Widget templates in congdoan/templates/django/forms carry Bootstrap's classes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "congdoan.urls"
WSGI_APPLICATION = "congdoan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congdoan.org.context_processors.navigation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'congdoan.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two concurrent transactions queue instead of failing with "database locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: Argon2 is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "congdoan.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Failed logins (web and API token endpoint alike) are counted per account ("key": the
# account the login names, see accounts.adapter) and per client address ("ip"). The account
# limit stops guessing one password. The address limit is twenty times higher: one person's
# typos must never lock out everyone else behind the same office NAT or reverse proxy, yet
# one address still cannot spray guesses over many accounts (100 per 5 minutes).
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "100"))
ACCOUNT_RATE_LIMITS = {
    # Every login form sent, right or wrong, per address: high enough for a training room
    # logging in at once behind one NAT, low enough to bound the Argon2 work one address causes.
    "login": "120/m/ip",
    "login_failed": f"{LOGIN_FAILURES_PER_ADDRESS}/5m/ip,{LOGIN_FAILURES_PER_ACCOUNT}/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# The client address behind reverse proxies: allauth takes it from X-Forwarded-For, counting
# TRUSTED_PROXY_COUNT entries from the right (the ones our own proxies appended; anything
# further left is the client's to forge), or from one header a trusted proxy sets. Default 0:
# REMOTE_ADDR, the safe choice when no proxy is in front. See docs/operations.md.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Công Đoàn Số"
# Who must use two-factor login follows from roles (org); accounts asks through this name so
# that it does not import org. See accounts.services.mfa_required.
MFA_REQUIRED_CHECK = "congdoan.org.queries.mfa_required"
# Whether a user holds any role (an officer) or none (a worker, shown only their own pages).
OFFICER_CHECK = "congdoan.org.queries.holds_role"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Only what Django's own formats lack (Vietnamese digit grouping): congdoan/common/formats.
FORMAT_MODULE_PATH = ["congdoan.common.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Công Đoàn Số <no-reply@localhost>")

# --- Cache and background work ----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# --- API --------------------------------------------------------------------------------
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))
NINJA_PAGINATION_PER_PAGE = 50

# --- Security (production) --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response by congdoan.common.middleware.ContentSecurityPolicyMiddleware.
# No inline script, no eval: page behaviour lives in static files (congdoan/static/src,
# <app>/static/<app>), values reach them through data- attributes and json_script, and
# htmx is told not to eval (hx-on, js:) nor inject its indicator <style> (the
# htmx-config meta in base.html). No inline style either: style="" attributes became
# classes, and the few computed widths are set from data- attributes by script (CSSOM
# writes are not governed by CSP). data: images are Bootstrap's SVG icons in its CSS and
# the TOTP QR code of allauth's MFA set-up page. The API docs page (ninja's Swagger UI)
# is served from ninja's own static files, so the same policy holds there.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# The API's Swagger page and OpenAPI schema: open to anyone in development, to signed-in
# users (session or API token) in production, where the schema maps the whole surface.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Uploads ----------------------------------------------------------------------------
# Every uploaded file is checked against these before it is stored or parsed
# (congdoan.common.uploads): its size, what it expands to (.xlsx, .ods and .docx are ZIP
# archives: a 1.5 MB file once expanded to 600 MB of XML) and the rows of one import. The
# part of a file past UPLOAD_MAX_BYTES is not even written to disk (SizeLimitedUploadHandler);
# the reverse proxy should refuse far larger bodies before Django reads them.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
UPLOAD_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("UPLOAD_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
)
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "500000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "congdoan.common.uploads.SizeLimitedUploadHandler",
]
# An import job whose heartbeat (touched as each batch commits) is older than this many seconds
# has lost its worker (server killed or restarted): it is marked interrupted when jobs are
# listed or shown, and every minute by Celery beat (congdoan.members.importing.jobs).
IMPORT_HEARTBEAT_TIMEOUT = int(os.environ.get("IMPORT_HEARTBEAT_TIMEOUT", "300"))
CELERY_BEAT_SCHEDULE = {
    "members-recover-interrupted-imports": {"task": "members.recover_imports", "schedule": 60.0},
    "notifications-retry-due": {"task": "notifications.retry_due", "schedule": 60.0},
}

# --- Notifications (congdoan.notifications) ---------------------------------------------
# The adapter of each channel: a name of notifications.adapters.ADAPTERS or a dotted path.
# SMS and Zalo write to the log ("console") until their gateway is set up.
NOTIFICATION_ADAPTERS = {
    "email": "email",
    "push": "webpush",
    "sms": os.environ.get("NOTIFICATION_SMS_ADAPTER", "console"),
    "zalo": os.environ.get("NOTIFICATION_ZALO_ADAPTER", "console"),
}
# A failed delivery is tried this many times in all, waiting RETRY_SECONDS, then twice that…
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "3"))
NOTIFICATION_RETRY_SECONDS = float(os.environ.get("NOTIFICATION_RETRY_SECONDS", "60"))
NOTIFICATION_HTTP_TIMEOUT = float(os.environ.get("NOTIFICATION_HTTP_TIMEOUT", "10"))
# Send in the request's own thread once it commits (tests): no worker, no thread.
NOTIFICATION_SEND_INLINE = env_bool("NOTIFICATION_SEND_INLINE", False)
# ``user -> phone`` of the app that knows users' phone numbers (accounts hold none).
NOTIFICATION_PHONE_LOOKUP = os.environ.get("NOTIFICATION_PHONE_LOOKUP", "")
# Web Push: the VAPID key pair (base64url, as ``vapid --gen`` / py-vapid prints them).
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "")
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_SUBJECT = os.environ.get("WEBPUSH_VAPID_SUBJECT", "mailto:admin@localhost")
# SMS through a generic HTTP gateway (notifications/adapters/sms.py says what it receives).
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "CONGDOAN")
SMS_UNICODE = env_bool("SMS_UNICODE", False)
# Zalo Official Account, template messages (ZNS); templates and quotas are data (admin).
ZALO_OA_ACCESS_TOKEN = os.environ.get("ZALO_OA_ACCESS_TOKEN", "")
ZALO_ZNS_URL = os.environ.get("ZALO_ZNS_URL", "https://business.openapi.zalo.me/message/template")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"congdoan.audit": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}
