"""Backup and restore, as docs/reliability.md tells an operator to do it.

A populated database (the demo: decisions, transition log, checkpoints, reminders, documents,
notifications) and its media are backed up with ``pg_dump --format=custom`` and a tar of
``MEDIA_ROOT``, restored with ``pg_restore`` into a fresh database on the same server and a
fresh media folder, and every row of every table is found again, unchanged, with every
uploaded file.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command, get_commands
from django.db import connection
from django.test import override_settings

from decisions.models import Decision, TransitionLog
from innovations import services as innovation_services
from innovations.models import Document, Innovation
from reminders.models import Checkpoint
from reminders.sweep import sweep

from .processes import ROOT, database_url

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Each table of the public schema: its row count and an md5 of all its rows in order."""
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        fingerprints = {}
        for table in tables:
            count, digest = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            fingerprints[table] = (count, digest)
    return fingerprints


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restored_into_a_fresh_database_has_every_row_and_every_file(tmp_path, settings):
    # given a populated installation: the demo, a sweep's reminders, an uploaded document
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    sweep(enqueue=False)
    innovation = Innovation.objects.filter(owner__isnull=False).order_by("pk").first()
    document = innovation_services.submit_document(
        actor=innovation.owner,
        innovation=innovation,
        title="Statusnotat",
        file=ContentFile(PDF_BYTES, name="Statusnotat.pdf"),
    )
    assert Decision.objects.exists() and TransitionLog.objects.exists()
    assert Checkpoint.objects.exists() and Document.objects.exists()
    source = database_url(connection.settings_dict)
    before = table_fingerprints(source)

    # when it is backed up as docs/reliability.md says ...
    dump = tmp_path / "spor.dump"
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    media_archive = tmp_path / "media.tar.gz"
    with tarfile.open(media_archive, "w:gz") as archive:
        archive.add(settings.MEDIA_ROOT, arcname="media")

    # ... and restored into a fresh database on the same server and a fresh media folder
    restored_name = f"{connection.settings_dict['NAME']}_restore"
    restored = database_url({**connection.settings_dict, "NAME": restored_name})
    admin = database_url({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        db.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump))
        restored_media = tmp_path / "restored"
        with tarfile.open(media_archive) as archive:
            archive.extractall(restored_media, filter="data")

        # then every table holds the same rows: every decision, log row, checkpoint,
        # document, reminder, notification and migration record
        after = table_fingerprints(restored)
        assert after == before
        for table in (
            "decisions_decision",
            "decisions_transitionlog",
            "reminders_checkpoint",
            "reminders_reminder",
            "innovations_document",
        ):
            assert after[table][0] > 0, table
        # and every uploaded file is there, byte for byte
        for name in Document.objects.exclude(file="").values_list("file", flat=True):
            copy = restored_media / "media" / name
            assert copy.read_bytes() == (Path(settings.MEDIA_ROOT) / name).read_bytes(), name
        assert (
            hashlib.sha256((restored_media / "media" / document.file.name).read_bytes()).digest()
            == hashlib.sha256(PDF_BYTES).digest()
        )
        # and the audit trail verifies, where the command exists (added on another branch)
        if "verify_audit" in get_commands():
            subprocess.run(
                [sys.executable, "manage.py", "verify_audit"],
                check=True,
                cwd=ROOT,
                env={
                    **os.environ,
                    "DATABASE_URL": restored,
                    "DJANGO_SETTINGS_MODULE": "workflow_project.settings_test",
                },
            )
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
