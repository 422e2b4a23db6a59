"""Let an organisation's administrator into the Django admin: grant_admin_access <username>."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import SporError
from organisations.admin_access import grant_admin_access
from organisations.models import User


class Command(BaseCommand):
    help = "Give an organisation's administrator staff access to the Django admin, scoped to the organisation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No person with the username {username!r}.")
        operator = User(is_superuser=True, username="operator")  # the shell is the operator
        try:
            grant_admin_access(actor=operator, person=person)
        except SporError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{person.username} can now sign in to /admin/ for {person.organisation}."
        )
