"""Settings for the load test's gunicorn: the project's, plus a minimal view to compare with."""

from workflow_project.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# In production a TLS proxy sits in front of gunicorn; the load test speaks plain http on the
# loopback, so the https redirect would answer every request with a 301.
SECURE_SSL_REDIRECT = False
