"""Settings for the test suite: the real PostgreSQL and Redis, never a silent fallback."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECRET_KEY", "spor-test-secret-key")
# A connection per request, as before persistent connections became production's default:
# the fault tests restart PostgreSQL under the processes they start.
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
# The tests connect as the superuser (pytest-django creates and flushes the test database);
# the application's role is granted its rights there too, and tests/audit/test_db_roles.py and the
# stateful test act as it where the database's refusals are the point.
os.environ.setdefault("SPOR_DB_APP_ROLE", "spor_app")
os.environ.setdefault(
    "SPOR_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

# Under pytest-xdist (the fast tier runs on both cores) each worker gets a Redis database and
# a var directory of its own, as pytest-django gives it a test database of its own
# (test_spor_gw0, test_spor_gw1): queues, caches, lockouts and media never mix.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw"):
    _index = int(_xdist_worker[2:])
    _redis = urlsplit(os.environ["REDIS_URL"])
    _db = (int(_redis.path.strip("/") or 0) - _index) % 16
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_db}"))
    os.environ["SPOR_VAR_DIR"] = os.path.join(os.environ["SPOR_VAR_DIR"], _xdist_worker)

from .settings import *  # noqa: E402, F403  (which refuses anything but PostgreSQL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The test client speaks http; production's redirect to https is tested on its own.
SECURE_SSL_REDIRECT = False
