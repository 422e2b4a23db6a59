"""The readiness checks of /readyz from the command line (container health checks)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from workflow_project.health import CHECKS, readiness


class Command(BaseCommand):
    help = "Run the readiness checks of /readyz; exit 1 and name the failing ones if any fail."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", action="append", choices=sorted(CHECKS), help="run only this check"
        )

    def handle(self, *args, only: list[str] | None, **options) -> None:
        ready, body = readiness(only)
        self.stdout.write(json.dumps(body))
        if not ready:
            raise CommandError(f"not ready: {', '.join(body['failing'])}")
