"""Settings for the test suite: the real PostgreSQL and Redis, never a silent fallback."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECRET_KEY", "spor-test-secret-key")
# The tests connect as the superuser (pytest-django creates and flushes the test database);
# the application's role is granted its rights there too, and tests/audit/test_db_roles.py and the
# stateful test act as it where the database's refusals are the point.
os.environ.setdefault("SPOR_DB_APP_ROLE", "spor_app")
os.environ.setdefault(
    "SPOR_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

from .settings import *  # noqa: F403  (which refuses anything but PostgreSQL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The test client speaks http; production's redirect to https is tested on its own.
SECURE_SSL_REDIRECT = False
