"""The two PostgreSQL roles: the owner (migrations) and the application's role (owns nothing).

The application role may read and write the ordinary tables, only read and insert the evidence
(``EVIDENCE_TABLES``), and never ``TRUNCATE``, ``ALTER`` (so no ``DISABLE TRIGGER``) or set
``session_replication_role`` (a superuser's setting). ``create_roles`` runs as a superuser
(``manage.py db_roles``); ``grant_app_role`` runs as the owner after every migrate.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# Append-only on the database: the app role gets SELECT and INSERT, nothing else.
EVIDENCE_TABLES = [
    "decisions_decision",
    "decisions_followup",
    "decisions_correction",
    "decisions_transitionlog",
    "decisions_mandatecard",
    "decisions_mandateindicator",
    "decisions_valuedirectioncheck",
    "decisions_indicatorreading",
    "decisions_mandateevaluation",
    "decisions_indicatorresult",
    "audit_auditevent",
    "audit_chainentry",
]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def grant_app_role(connection, app_role: str) -> None:
    """As the owner: the app role's rights on every table and sequence, now and later."""
    role = _ident(app_role)
    tables = [table for table in connection.introspection.table_names() if table]
    evidence = [table for table in EVIDENCE_TABLES if table in tables]
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
        cursor.execute(
            f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM {role}"
        )
        for table in evidence:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {_ident(table)} FROM {role}")


def grant_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: grant when migrating as the owner with an app role configured."""
    app_role = settings.SPOR_DB_APP_ROLE
    connection = connections[using]
    if not (settings.SPOR_DB_AS_OWNER and app_role) or sender.name != "audit":
        return
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
    if current == app_role:
        return
    grant_app_role(connection, app_role)
    logger.info("Granted the application role %s its rights as %s", app_role, current)


def _role_of(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (
        unquote(parts.username or ""),
        unquote(parts.password or ""),
        unquote(parts.path.lstrip("/")),
    )


def ensure_role(cursor, role: str, *, password: str = "", app: bool = False) -> None:
    """A login role that is no superuser and cannot create roles (nor databases, if app)."""
    options = "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS"
    if app:
        options += " NOINHERIT"
    # CREATE ROLE races with another process creating it: the DO block swallows that.
    cursor.execute(
        "DO $$ BEGIN "
        f"CREATE ROLE {_ident(role)} {options}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    cursor.execute(f"ALTER ROLE {_ident(role)} {options}")
    if password:
        cursor.execute(f"ALTER ROLE {_ident(role)} PASSWORD {_literal(password)}")


def create_roles(cursor, *, owner_url: str, app_url: str) -> list[str]:
    """As a superuser: both roles (login, no superuser) and the database owned by the owner.

    Idempotent: existing roles get their password and limits set again.
    """
    owner, owner_password, database = _role_of(owner_url)
    app, app_password, app_database = _role_of(app_url)
    if not owner or not app or owner == app:
        raise ValueError("DATABASE_OWNER_URL and DATABASE_URL must name two different roles")
    if database != app_database:
        raise ValueError("DATABASE_OWNER_URL and DATABASE_URL must name the same database")
    ensure_role(cursor, owner, password=owner_password)
    ensure_role(cursor, app, password=app_password, app=True)
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE DATABASE {_ident(database)} OWNER {_ident(owner)}")
    else:
        cursor.execute(f"ALTER DATABASE {_ident(database)} OWNER TO {_ident(owner)}")
    cursor.execute(f"REVOKE ALL ON DATABASE {_ident(database)} FROM PUBLIC")
    cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(database)} TO {_ident(app)}")
    return [owner, app]
