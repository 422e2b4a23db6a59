"""Spor settings. Every value that differs between machines comes from the environment.

Spor runs on PostgreSQL and Redis only, in production, in the tests and in the embedded
mode alike: ``scripts/run`` and ``scripts/test`` start both from Python wheels
(``scripts/embedded.py``) when ``DATABASE_URL`` and ``REDIS_URL`` are not set.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_networks, env_proxy_ssl_header, env_str
from .logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SPOR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SPOR_DEMO = env_bool("SPOR_DEMO", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "spor-insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "csp",
    "notifications",
    "core",
    "organisations",
    "innovations",
    "agenda",
    "decisions",
    "reminders",
    "politics",
    "access",
    "audit",
    "webhooks",
    "privacy",
    "portfolio",
    "api",
    "web",
    "djangosaml2",
    "mozilla_django_oidc",
    "sso",
    "demo",
    # The top floor: the project's own commands (readyz) over every app.
    "workflow_project",
    "axes",
]

MIDDLEWARE = [
    "workflow_project.health.HealthCheckMiddleware",  # /healthz, /readyz: before the host check
    "workflow_project.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The SAML exchange's own cookie (SameSite=None: the identity provider POSTs back).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflow_project.logs.RequestContextMiddleware",
    "web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout during sign-in into the lockout page or JSON (access/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workflow_project.urls"
WSGI_APPLICATION = "workflow_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.header",
            ],
        },
    },
]

# Database: PostgreSQL, and nothing else (the catalogue's Danish search, the immutability
# triggers and the portfolio's medians are PostgreSQL's; scripts/run starts an embedded one).
# On PostgreSQL the application connects as a role that owns nothing (DATABASE_URL) and
# migrations run as the owner of the tables (DATABASE_OWNER_URL, chosen by SPOR_DB_AS_OWNER=1,
# as scripts/migrate does); `manage.py db_roles` creates both roles (docs/architecture.md).
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor")
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL", "")
DATABASE_ADMIN_URL = env_str("DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SPOR_DB_AS_OWNER = env_bool("SPOR_DB_AS_OWNER", default=False)
if SPOR_DB_AS_OWNER and not DATABASE_OWNER_URL:
    raise ImproperlyConfigured("SPOR_DB_AS_OWNER=1 needs DATABASE_OWNER_URL")


# Each web and worker process keeps its connection for DB_CONN_MAX_AGE seconds (checked
# before use, below) instead of opening one per request; 0 (development's default) closes it.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0)


def _parse_database_url(name: str, url: str) -> dict:
    try:
        return dj_database_url.parse(url, conn_max_age=DB_CONN_MAX_AGE)
    except Exception as exc:  # dj_database_url raises several types for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc


_app_database = _parse_database_url("DATABASE_URL", DATABASE_URL)
# The role the owner grants table rights to after every migrate (empty: no grants, e.g. a
# single-role development database).
SPOR_DB_APP_ROLE = env_str(
    "SPOR_DB_APP_ROLE", (_app_database.get("USER") or "") if DATABASE_OWNER_URL else ""
)
_database = (
    _parse_database_url("DATABASE_OWNER_URL", DATABASE_OWNER_URL)
    if SPOR_DB_AS_OWNER
    else _app_database
)
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must be a postgres:// URL: Spor runs on PostgreSQL only "
        "(scripts/run starts an embedded one)."
    )
# A connection kept open (DB_CONN_MAX_AGE) is checked before use, so a worker or web process
# reconnects by itself after PostgreSQL restarts.
_database["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", default=True)
DATABASES = {"default": _database}
# Optional: a streaming replica that the read-only pages (dashboard, catalogue, barometer, CSV
# exports) read from; writes and what a service reads before writing stay on "default".
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE
        )
    except Exception as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from exc
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
# django-axes first: it refuses a locked-out username and address before any password check.
# Then passwords (refused where the organisation uses only single sign-on, except for its
# administrators), SAML and OpenID Connect (sso/, docs/sso.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sso.backends.PasswordBackend",
    "sso.backends.SamlBackend",
    "sso.backends.OidcBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The number of reverse proxies in front of Spor that append to X-Forwarded-For. 0: the
# client's address is the connection's (REMOTE_ADDR), and X-Forwarded-For is ignored.
SPOR_TRUSTED_PROXY_COUNT = env_int("SPOR_TRUSTED_PROXY_COUNT", 0, minimum=0)

# Lockout (django-axes) on /sign-in/, /admin/login/ and /api/v1/auth/token/: after this many
# failed sign-ins of one username from one client address, that pair waits the cool-off.
AXES_FAILURE_LIMIT = env_int("SPOR_SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("SPOR_SIGN_IN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "access.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "access.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Named API tokens (access/): their lifetime when created, and the longest one may choose.
SPOR_API_TOKEN_DAYS = env_int("SPOR_API_TOKEN_DAYS", 90, minimum=1)
SPOR_API_TOKEN_MAX_DAYS = env_int("SPOR_API_TOKEN_MAX_DAYS", 365, minimum=1)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on (sso/, docs/sso.md). SAML 2.0 in the OIOSAML 3 profile (KOMBIT's Context
# Handler) is on when the identity provider's metadata is given, as a file or a URL (fetched
# through the outbound guard, api/outbound.py, and cached); Spor signs with its own key.
SPOR_SAML_IDP_METADATA_FILE = env_str("SPOR_SAML_IDP_METADATA_FILE", "")
SPOR_SAML_IDP_METADATA_URL = env_str("SPOR_SAML_IDP_METADATA_URL", "")
SPOR_SAML_IDP_METADATA_CACHE_SECONDS = env_int(
    "SPOR_SAML_IDP_METADATA_CACHE_SECONDS", 24 * 3600, minimum=60
)
SPOR_SAML_KEY_FILE = env_str("SPOR_SAML_KEY_FILE", "")
SPOR_SAML_CERT_FILE = env_str("SPOR_SAML_CERT_FILE", "")
# Spor's entity id; by default the URL of its metadata, SITE_URL/sso/saml/metadata/.
SPOR_SAML_ENTITY_ID = env_str("SPOR_SAML_ENTITY_ID", "")
SPOR_SAML_XMLSEC_BINARY = env_str("SPOR_SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
# The NSIS level of assurance asked for (Low, Substantial, High; empty: none asked).
SPOR_SAML_NSIS_LEVEL = env_str("SPOR_SAML_NSIS_LEVEL", "Substantial")
SPOR_SAML_CLOCK_SKEW_SECONDS = env_int("SPOR_SAML_CLOCK_SKEW_SECONDS", 60, minimum=0)
SPOR_SAML_CONTACT_EMAIL = env_str("SPOR_SAML_CONTACT_EMAIL", "")
SPOR_SAML_LABEL = env_str("SPOR_SAML_LABEL", "")
if SPOR_SAML_IDP_METADATA_FILE and SPOR_SAML_IDP_METADATA_URL:
    raise ImproperlyConfigured(
        "Set SPOR_SAML_IDP_METADATA_FILE or SPOR_SAML_IDP_METADATA_URL, not both"
    )
if (SPOR_SAML_IDP_METADATA_FILE or SPOR_SAML_IDP_METADATA_URL) and not (
    SPOR_SAML_KEY_FILE and SPOR_SAML_CERT_FILE
):
    raise ImproperlyConfigured("SAML sign-in needs SPOR_SAML_KEY_FILE and SPOR_SAML_CERT_FILE")
if SPOR_SAML_NSIS_LEVEL not in {"", "Low", "Substantial", "High"}:
    raise ImproperlyConfigured("SPOR_SAML_NSIS_LEVEL must be Low, Substantial, High or empty")
SAML_CONFIG_LOADER = "sso.saml.sp_config"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_NAME = "spor_saml"
SAML_CREATE_UNKNOWN_USER = True
SAML_ATTRIBUTE_MAPPING: dict[str, tuple[str, ...]] = {}

# OpenID Connect (e.g. Microsoft Entra ID) is on when the client id and the endpoints are set.
OIDC_RP_CLIENT_ID = env_str("SPOR_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("SPOR_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("SPOR_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("SPOR_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("SPOR_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("SPOR_OIDC_JWKS_ENDPOINT", "")
SPOR_OIDC_END_SESSION_ENDPOINT = env_str("SPOR_OIDC_END_SESSION_ENDPOINT", "")
# The ID token's "iss" must be exactly this (Entra: https://login.microsoftonline.com/<tenant>/v2.0).
SPOR_OIDC_ISSUER = env_str("SPOR_OIDC_ISSUER", "")
SPOR_OIDC_SUBJECT_CLAIM = env_str("SPOR_OIDC_SUBJECT_CLAIM", "sub")
SPOR_OIDC_ROLES_CLAIM = env_str("SPOR_OIDC_ROLES_CLAIM", "roles")
SPOR_OIDC_CVR_CLAIM = env_str("SPOR_OIDC_CVR_CLAIM", "cvr")
# For a provider that sends no CVR number (one municipality's own Entra tenant).
SPOR_OIDC_DEFAULT_CVR = env_str("SPOR_OIDC_DEFAULT_CVR", "")
SPOR_OIDC_LABEL = env_str("SPOR_OIDC_LABEL", "")
if OIDC_RP_CLIENT_ID and not (
    OIDC_OP_AUTHORIZATION_ENDPOINT
    and OIDC_OP_TOKEN_ENDPOINT
    and OIDC_OP_JWKS_ENDPOINT
    and SPOR_OIDC_ISSUER
):
    raise ImproperlyConfigured(
        "OpenID Connect needs SPOR_OIDC_AUTHORIZATION_ENDPOINT, SPOR_OIDC_TOKEN_ENDPOINT, "
        "SPOR_OIDC_JWKS_ENDPOINT and SPOR_OIDC_ISSUER besides SPOR_OIDC_CLIENT_ID"
    )
OIDC_RP_SIGN_ALGO = env_str("SPOR_OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = env_str("SPOR_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the logout at the provider
OIDC_TIMEOUT = env_int("SPOR_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_CALLBACK_CLASS = "sso.views.OidcCallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "sso.oidc.end_session_url"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (English: day month year, never the US order).
FORMAT_MODULE_PATH = ["workflow_project.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Documents attached to innovations (pdf, docx, xlsx, pptx, odt, png, jpg) are at most this big.
SPOR_DOCUMENT_MAX_BYTES = env_int("SPOR_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# How far back a secretary may register a meeting, in days; 0 (the default) means the
# current electoral term (from 1 January after the last local election). Further back
# needs an administrator.
SPOR_MEETING_BACKDATE_DAYS = env_int("SPOR_MEETING_BACKDATE_DAYS", 0, minimum=0)
# Zip-based office files: the most their members may unpack to, and how many there may be.
SPOR_DOCUMENT_MAX_UNPACKED_BYTES = env_int(
    "SPOR_DOCUMENT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024
)
SPOR_DOCUMENT_MAX_ZIP_MEMBERS = env_int("SPOR_DOCUMENT_MAX_ZIP_MEMBERS", 5000, minimum=10)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis: the Celery broker and the cache, everywhere (the embedded mode starts its own).
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Tasks are never scheduled far ahead (the sweep finds due work in the database), so the
# visibility timeout only bounds how long a lost delivery waits for redelivery.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's scheduled work (the sweep, the backstop, the digest check, the webhook sweep, the
# audit chain check, the retention purge) has a queue of its own, served by a worker of its
# own in every topology: behind a delivery backlog on the default queue it would expire
# unrun. `celery worker -Q sweep`.
SPOR_SWEEP_QUEUE = "sweep"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    name: {"queue": SPOR_SWEEP_QUEUE}
    for name in (
        "reminders.sweep",
        "reminders.backstop",
        "reminders.send_digests",
        "api.webhook_sweep",
        "audit.verify",
        "privacy.purge_expired",
        "reminders.follow_notices_catch_up",
        "politics.send_briefings",
    )
}

# Beat runs the reminder sweep and the digest on plain intervals, never on a crontab: Celery's
# crontab skips or repeats runs at the summer-time changes in Europe/Copenhagen. Spor works
# out local send times itself, and the sweep finds due work in the database, so nothing is
# ever scheduled far ahead in the broker.
SPOR_SWEEP_INTERVAL_SECONDS = env_int("SPOR_SWEEP_INTERVAL_SECONDS", 300, minimum=5)
SPOR_DIGEST_INTERVAL_SECONDS = env_int("SPOR_DIGEST_INTERVAL_SECONDS", 300, minimum=5)
SPOR_AUDIT_VERIFY_INTERVAL_SECONDS = env_int(
    "SPOR_AUDIT_VERIFY_INTERVAL_SECONDS", 86400, minimum=60
)
# The backstop alone (hand undelivered reminders to Celery again, reclaim e-mails of dead
# workers) is cheap and runs more often, so delivery recovers within minutes of a fault.
SPOR_BACKSTOP_INTERVAL_SECONDS = env_int("SPOR_BACKSTOP_INTERVAL_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": float(SPOR_SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SPOR_SWEEP_INTERVAL_SECONDS},
    },
    "reminders-backstop": {
        "task": "reminders.backstop",
        "schedule": float(SPOR_BACKSTOP_INTERVAL_SECONDS),
        "options": {"expires": SPOR_BACKSTOP_INTERVAL_SECONDS},
    },
    "reminders-digests": {
        "task": "reminders.send_digests",
        "schedule": float(SPOR_DIGEST_INTERVAL_SECONDS),
        "options": {"expires": SPOR_DIGEST_INTERVAL_SECONDS},
    },
    # checkpoint.overdue webhook events, and webhook deliveries whose task was lost
    "api-webhook-sweep": {
        "task": "api.webhook_sweep",
        "schedule": float(SPOR_SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SPOR_SWEEP_INTERVAL_SECONDS},
    },
    # the hash chains over the log, the evidence and the audit events (audit/chain.py)
    "audit-verify": {
        "task": "audit.verify",
        "schedule": float(SPOR_AUDIT_VERIFY_INTERVAL_SECONDS),
        "options": {"expires": SPOR_AUDIT_VERIFY_INTERVAL_SECONDS},
    },
}
# Retention (docs/privacy.md): operational rows are deleted this many days after they served;
# the decision trail is kept. Beat runs the purge once a day.
SPOR_RETENTION_READ_NOTIFICATION_DAYS = env_int(
    "SPOR_RETENTION_READ_NOTIFICATION_DAYS", 180, minimum=1
)
SPOR_RETENTION_REMINDER_DAYS = env_int("SPOR_RETENTION_REMINDER_DAYS", 365, minimum=1)
SPOR_RETENTION_WEBHOOK_DELIVERY_DAYS = env_int(
    "SPOR_RETENTION_WEBHOOK_DELIVERY_DAYS", 90, minimum=1
)
SPOR_RETENTION_FOLLOW_NOTICE_DAYS = env_int("SPOR_RETENTION_FOLLOW_NOTICE_DAYS", 180, minimum=1)
SPOR_RETENTION_BRIEFING_DAYS = env_int("SPOR_RETENTION_BRIEFING_DAYS", 365, minimum=1)
CELERY_BEAT_SCHEDULE["privacy-purge-expired"] = {
    "task": "privacy.purge_expired",
    "schedule": 24 * 60 * 60.0,
    "options": {"expires": 60 * 60},
}
# Followers' e-mails whose task was lost, and the briefing of new committee members (politics/).
CELERY_BEAT_SCHEDULE["reminders-follow-notices"] = {
    "task": "reminders.follow_notices_catch_up",
    "schedule": float(SPOR_SWEEP_INTERVAL_SECONDS),
    "options": {"expires": SPOR_SWEEP_INTERVAL_SECONDS},
}
CELERY_BEAT_SCHEDULE["politics-briefings"] = {
    "task": "politics.send_briefings",
    "schedule": 6 * 60 * 60.0,
    "options": {"expires": 60 * 60},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A reminder recorded this many minutes ago and not delivered is handed to Celery again.
SPOR_REMINDER_REQUEUE_MINUTES = env_int("SPOR_REMINDER_REQUEUE_MINUTES", 3, minimum=1)
# /readyz fails when a reminder recorded this long ago is still not delivered.
SPOR_READYZ_UNDELIVERED_MINUTES = env_int("SPOR_READYZ_UNDELIVERED_MINUTES", 15, minimum=1)
SPOR_MAIL_DOMAIN = env_str("SPOR_MAIL_DOMAIN", "spor.local")
# A rule's checkpoint due within this many days of a decision's follow-up date of the same
# kind is merged into it (the 90-day rule and a mandate's own follow-up date, a day apart).
SPOR_CHECKPOINT_MERGE_DAYS = env_int("SPOR_CHECKPOINT_MERGE_DAYS", 14, minimum=0)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

# E-mail: written to files in the embedded default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# Bounded, so a hung SMTP server cannot hold an e-mail in "sending" past the stuck limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# An e-mail "sending" for longer than this belongs to a dead worker and is sent again. A live
# worker needs at most about two SMTP timeouts to send and one to record the acceptance
# (it retries that while the database is away), so the default is four: 2 minutes.
SPOR_REMINDER_STUCK_SECONDS = env_int(
    "SPOR_REMINDER_STUCK_SECONDS", 4 * EMAIL_TIMEOUT, minimum=3 * EMAIL_TIMEOUT
)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Spor <spor@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.NamedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.SporAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_THROTTLE_RATE", "10/minute")},
    # The throttle counts the same client address as the lockout (access/client_address.py).
    "NUM_PROXIES": SPOR_TRUSTED_PROXY_COUNT,
}
# A refused CSRF check under /api/ answers JSON, like every other API error.
CSRF_FAILURE_VIEW = "api.views.csrf_failure"
SPECTACULAR_SETTINGS = {
    "TITLE": "Spor API",
    "DESCRIPTION": "The political decision trail of public innovation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's files (no CDN); no validator badge either,
    # which would load an image from validator.swagger.io.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.id_filters_from_one",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StateEnum": "innovations.models.State",
        "OutcomeEnum": "decisions.models.Outcome",
        "AssessmentEnum": "decisions.models.Assessment",
        "TransitionEnum": "innovations.workflow.transition_choices",
        "EventEnum": "webhooks.models.Event",
        "DocumentKindEnum": "innovations.models.DocumentKind",
        "AttendanceStatusEnum": "agenda.models.AttendanceStatus",
        "ReuseRequestStatusEnum": "politics.models.ReuseRequestStatus",
        "RaisedByEnum": "innovations.models.RaisedBy",
    },
}

DJANGO_NOTIFICATIONS_CONFIG = {"USE_JSONFIELD": True}

# One JSON object per line (request id, person, organisation, task id) in production,
# readable text in development (workflow_project/logs.py). Celery workers log the same way.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# django-axes logs every failed sign-in at INFO; its lockouts are warnings.
LOGGING.setdefault("loggers", {})["axes"] = {"level": env_str("AXES_LOG_LEVEL", "WARNING")}
# pysaml2's schema library says at every start that a schema it loads is loaded already.
LOGGING["loggers"]["xmlschema"] = {"level": "WARNING"}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", default=True)
    # HSTS: browsers that saw Spor over https never use http for it again.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)

# Behind a reverse proxy that terminates TLS: the header it sets on https requests, e.g.
# SPOR_PROXY_SSL_HEADER=X-Forwarded-Proto. The proxy must overwrite it on every request.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SPOR_PROXY_SSL_HEADER")

# Content-Security-Policy (django-csp 4): no inline script or style anywhere; everything
# from Spor's own origin. Swagger UI's init script is a separate file (SwaggerSplitView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Outbound webhooks (webhooks/outbound.py): https only, and never to loopback, private, link-local,
# shared, multicast or reserved addresses, except the networks listed here (an on-premise
# receiver, e.g. "10.20.0.0/16"). http is for a test installation only.
SPOR_WEBHOOK_ALLOW_HTTP = env_bool("SPOR_WEBHOOK_ALLOW_HTTP", default=False)
SPOR_WEBHOOK_ALLOWED_NETWORKS = env_networks("SPOR_WEBHOOK_ALLOWED_NETWORKS", [])

# /metrics (Prometheus): answered only to a request with "Authorization: Bearer <token>" or
# from an allowed network; with neither set it is refused to everyone.
SPOR_METRICS_TOKEN = env_str("SPOR_METRICS_TOKEN", "")
SPOR_METRICS_ALLOWED_NETWORKS = env_networks("SPOR_METRICS_ALLOWED_NETWORKS")
