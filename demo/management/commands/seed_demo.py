"""Seed the demo: two municipalities and a region with two years of decisions (demo mode only)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import seed as demo
from demo.content import DEMO_PASSWORD, SUPERUSER


class Command(BaseCommand):
    help = (
        "Seed a realistic demo (Aarhus, Odense, Region Midtjylland): committees, people, "
        "meetings and 45 innovations with their decisions. Idempotent. Demo mode only: "
        "refused when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off. The demo users share a known password.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo is for demo mode only: it creates users who all share the known "
                f"password {DEMO_PASSWORD!r}, and DEBUG is off. Run it with DEBUG=1, or add "
                "--force if you really mean to put the demo in this database."
            )
        started = time.monotonic()
        try:
            summary = demo.seed()
        except demo.DemoError as exc:
            raise CommandError(f"The demo could not be built: {exc}") from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {elapsed:.1f} s: {summary.innovations_created} innovations "
                f"created, {summary.innovations_present} already there; "
                f"{summary.people_created} people and {summary.meetings_created} meetings created."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Sign in at {settings.SITE_URL}/ with the password {DEMO_PASSWORD}")
        self.stdout.write(f"  {SUPERUSER:<28} superuser (also {settings.SITE_URL}/admin/)")
        organisation = None
        for name, username, full_name in summary.logins:
            if name != organisation:
                self.stdout.write(f"  {name}:")
                organisation = name
            self.stdout.write(f"    {username:<26} {full_name}")
        self.stdout.write(
            "  Each organisation's committee members sign in the same way; see the README."
        )
