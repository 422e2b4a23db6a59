"""Settings for the API benchmark's gunicorn: the project's, plus the baseline views."""

from workflow_project.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.api_baseline"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
