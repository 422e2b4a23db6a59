from django.core.management.base import BaseCommand, CommandError

from core.errors import SporError
from privacy import services


class Command(BaseCommand):
    help = (
        "Anonymise a person who left: close the account and replace their name and e-mail "
        "everywhere (the decision trail shows their role and organisation)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="the person who left")
        parser.add_argument("--by", required=True, help="the administrator (or superuser) who acts")

    def handle(self, *args, username: str, by: str, **options) -> None:
        try:
            person = services.anonymise_by_username(actor_username=by, username=username)
        except SporError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{username} is anonymised as “{person}” ({person.username}).")
