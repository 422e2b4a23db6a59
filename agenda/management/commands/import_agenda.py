"""Import published agendas (Open Civic Data / Popolo JSON, or CSV) as a secretary would."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agenda import importers, services
from core.errors import SporError, ValidationFailed
from organisations.models import User


class Command(BaseCommand):
    help = (
        "Import the meetings and agenda items of a published agenda file, acting as a "
        "committee secretary or administrator. Shows what will be created or changed; "
        "writes only with --apply, all or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="the acting person")
        parser.add_argument("--format", choices=importers.FORMATS, help="default: from the file")
        parser.add_argument("--apply", action="store_true", help="write the changes")

    def handle(self, *args, file: Path, username: str, format: str | None, apply: bool, **options):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active person {username!r}")
        try:
            text = importers.decode(file.read_bytes())
            fmt = format or importers.guess_format(file.name, text)
            meetings = importers.parse(text, fmt, importers.committee_lookup(actor.organisation_id))
            plans = services.preview_meetings(actor=actor, meetings=meetings)
            for plan in plans:
                self.stdout.write(describe(plan))
            if apply:
                results = services.push_meetings(actor=actor, meetings=meetings)
                changed = sum(1 for r in results if r.changed)
                self.stdout.write(f"applied: {changed} of {len(results)} meetings changed")
            else:
                self.stdout.write("nothing written; run again with --apply")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationFailed as exc:
            lines = [
                f"{key}: {' '.join(map(str, messages))}" for key, messages in exc.errors.items()
            ]
            raise CommandError("nothing imported:\n" + "\n".join(lines)) from exc
        except SporError as exc:
            raise CommandError(f"nothing imported: {exc.message}") from exc


def describe(plan: services.MeetingPlan) -> str:
    data = plan.data
    if plan.creates_meeting:
        head = f"new meeting {data.external_id} on {data.date}"
    elif plan.unchanged:
        head = f"meeting {data.external_id} on {data.date}: unchanged"
    else:
        changes = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in plan.changes.items()) or "items"
        head = f"meeting {data.external_id} on {data.date}: {changes}"
    lines = [head]
    for item in plan.items:
        if item.action == "create":
            lines.append(f"  + {item.label}")
        elif item.action == "remove":
            lines.append(f"  - {item.label}")
        elif item.action == "keep":
            lines.append(f"  = {item.label} (left out, kept: evidence rests on it)")
        elif item.changes:
            changes = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in item.changes.items())
            lines.append(f"  ~ {item.label}: {changes}")
    return "\n".join(lines)
