"""Brief the new members of every committee now (beat does it every few hours)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from politics import services


class Command(BaseCommand):
    help = "Send the briefing to every new committee member who has not had one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", help="the day (YYYY-MM-DD), today by default")

    def handle(self, *args, **options) -> None:
        day = None
        if options.get("on"):
            try:
                day = datetime.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError("--on takes a date as YYYY-MM-DD") from exc
        briefed = services.send_briefings(on=day)
        self.stdout.write(f"{len(briefed)} new member(s) briefed")
