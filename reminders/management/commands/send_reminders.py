"""Send the reminders due now, or as of a given time: the sweep beat runs, for operators."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import delivery, schedule
from reminders.sweep import sweep


def parse_moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--at must be an ISO 8601 time, e.g. 2026-03-30T08:00; got {value!r}"
        ) from exc
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=schedule.LOCAL_ZONE)  # a wall-clock time in Copenhagen
    return moment


class Command(BaseCommand):
    help = (
        "Record every reminder due by now (or by --at) and hand it to the workers; "
        "--dry-run shows what would be recorded without writing anything."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--at",
            help="as of this time (ISO 8601; without an offset it is Copenhagen time)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what is due; record and send nothing"
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="deliver in this process instead of handing delivery to the workers",
        )

    def handle(self, *args, at: str | None, dry_run: bool, deliver: bool, **options) -> None:
        now = parse_moment(at) if at else None
        report = sweep(now, dry_run=dry_run, enqueue=not (dry_run or deliver))
        self.stdout.write(report.summary())
        if dry_run:
            for planned in report.planned[:200]:
                self.stdout.write(
                    f"  checkpoint {planned.checkpoint_id} -> person {planned.recipient_id}: "
                    f"{planned.stage} ({planned.email_status})"
                )
            if len(report.planned) > 200:
                self.stdout.write(f"  ... and {len(report.planned) - 200} more")
        elif deliver:
            count = delivery.deliver_all_pending()
            self.stdout.write(f"Delivered {count} reminders in this process.")
