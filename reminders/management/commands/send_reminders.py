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
        moment = _local(moment, value)  # a wall-clock time in Copenhagen
    return moment


def _local(naive: datetime.datetime, value: str) -> datetime.datetime:
    """The Copenhagen wall-clock time ``naive``, refused when it does not exist (skipped when
    summer time begins) or exists twice (when it ends): an offset says which is meant."""
    earlier = naive.replace(tzinfo=schedule.LOCAL_ZONE, fold=0)
    later = naive.replace(tzinfo=schedule.LOCAL_ZONE, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        round_trip = earlier.astimezone(datetime.UTC).astimezone(schedule.LOCAL_ZONE)
        if round_trip.replace(tzinfo=None) != naive:
            raise CommandError(
                f"--at {value}: there is no such time in Copenhagen (the clocks skip it when "
                "summer time begins); give a time that exists, or an offset such as "
                f"{naive.isoformat()}+01:00"
            )
        raise CommandError(
            f"--at {value}: this time happens twice in Copenhagen (the clocks go back when "
            f"summer time ends); add the offset: {naive.isoformat()}+02:00 for the first, "
            f"{naive.isoformat()}+01:00 for the second"
        )
    return earlier


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
        if report.handover_failed:
            # The reminders are recorded; the backstop hands them over when the broker is back.
            raise CommandError(report.summary())
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
