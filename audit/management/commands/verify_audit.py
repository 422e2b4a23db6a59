"""Check the hash chains over the log, the evidence and the audit events."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit import chain, services


class Command(BaseCommand):
    help = (
        "Report every transition-log row, decision, follow-up, correction and audit event "
        "altered, removed or inserted outside Spor (exit status 1 when anything is found)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--notify",
            action="store_true",
            help="also notify each organisation's administrators, as the daily task does",
        )
        parser.add_argument(
            "--seal-unchained",
            action="store_true",
            help="once, when upgrading: chain the rows recorded before the chain existed",
        )

    def handle(self, *args, notify: bool = False, seal_unchained: bool = False, **options):
        if seal_unchained:
            sealed = chain.seal_unchained()
            self.stdout.write(f"Chained {sealed} rows recorded before the chain.")
        findings = services.report_tampering() if notify else chain.verify()
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            raise CommandError(f"{len(findings)} findings: the records were changed outside Spor")
        self.stdout.write("The audit trail is intact.")
