"""Write the national dataset with COPY: ``generate_scale_data [--scale 1.0] [--seed N]``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.scale_data import Progress, ScaleData, cpu_seconds


class Command(BaseCommand):
    help = (
        "Write the national dataset (3,000 politicians, 2,000 officials, 500 committees, "
        "25,000 meetings, 100,000 innovations with their decision histories, 1,000,000 "
        "checkpoints, 5,000,000 notifications at --scale 1) into PostgreSQL with COPY. "
        "For a database of its own: it appends to what is there."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full set")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--due-now",
            type=float,
            default=0.002,
            help="share of the open checkpoints whose next reminder is already due",
        )

    def handle(self, *args, scale: float, seed: int, due_now: float, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data writes with PostgreSQL's COPY")
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10")
        started = time.monotonic()
        data = ScaleData(
            scale=scale, seed=seed, due_now=due_now, progress=Progress(self.stderr._out)
        )
        counts = data.generate()
        self.stdout.write(
            f"Wrote {counts.innovations:,} innovations, {counts.checkpoints:,} checkpoints and "
            f"{counts.notifications:,} notifications for {counts.organisations} organisations "
            f"in {time.monotonic() - started:.1f} s."
        )
        backend = cpu_seconds(data.backend_pid)
        self.stdout.write(
            f"CPU: this process {cpu_seconds():.1f} s"
            + (f", the PostgreSQL backend {backend:.1f} s" if backend is not None else "")
            + "; per table: "
            + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in data.timings.items())
        )
