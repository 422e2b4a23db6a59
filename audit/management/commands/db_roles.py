"""Create Spor's two PostgreSQL roles and its database, as a superuser (DATABASE_ADMIN_URL)."""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit import db_roles


class Command(BaseCommand):
    help = (
        "Create the owner role (DATABASE_OWNER_URL) and the application role (DATABASE_URL) "
        "and the database owned by the owner, connecting as DATABASE_ADMIN_URL. Idempotent. "
        "Then run the migrations as the owner (scripts/migrate): they grant the app role."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DATABASE_OWNER_URL:
            raise CommandError("Set DATABASE_OWNER_URL (the owner) besides DATABASE_URL (the app)")
        try:
            with (
                psycopg.connect(settings.DATABASE_ADMIN_URL, autocommit=True) as connection,
                connection.cursor() as cursor,
            ):
                roles = db_roles.create_roles(
                    cursor, owner_url=settings.DATABASE_OWNER_URL, app_url=settings.DATABASE_URL
                )
        except (ValueError, psycopg.Error) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Roles ready: {', '.join(roles)}")
