"""Print the lifecycle graph, read from the django-fsm declarations, or write it into the README.

python manage.py workflow_graph                   # JSON: states, transitions, requirements
python manage.py workflow_graph --format dot      # Graphviz: ... | dot -Tsvg > lifecycle.svg
python manage.py workflow_graph --format mermaid
python manage.py workflow_graph --write-readme    # regenerate README.md's lifecycle block
python manage.py workflow_graph --check-readme    # exit 1 when README.md is out of date
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from innovations.workflow import (
    readme_with_workflow,
    workflow_dot,
    workflow_json,
    workflow_mermaid,
)

FORMATS = {"json": workflow_json, "dot": workflow_dot, "mermaid": workflow_mermaid}


class Command(BaseCommand):
    help = "Print the innovation lifecycle as JSON, Graphviz DOT or Mermaid, or update README.md."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument(
            "--language",
            default="en",
            help="language of labels and requirements in JSON (default: en)",
        )
        readme = parser.add_mutually_exclusive_group()
        readme.add_argument(
            "--write-readme",
            action="store_true",
            help="rewrite the block between <!-- workflow:start --> and <!-- workflow:end -->",
        )
        readme.add_argument(
            "--check-readme", action="store_true", help="fail when README.md's block is stale"
        )
        parser.add_argument("--readme", default=str(Path(settings.BASE_DIR) / "README.md"))

    def handle(self, *args, **options) -> None:
        if options["write_readme"] or options["check_readme"]:
            self._readme(Path(options["readme"]), write=options["write_readme"])
            return
        with translation.override(options["language"]):
            output = FORMATS[options["format"]]()
        self.stdout.write(output, ending="" if output.endswith("\n") else "\n")

    def _readme(self, path: Path, *, write: bool) -> None:
        try:
            current = path.read_text(encoding="utf-8")
            updated = readme_with_workflow(current)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if updated == current:
            self.stdout.write(f"{path} is up to date.")
            return
        if not write:
            raise CommandError(
                f"{path} is out of date; run: python manage.py workflow_graph --write-readme"
            )
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"Wrote the lifecycle to {path}.")
