from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = "Delete the operational rows whose retention period is over (what beat runs daily)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(services.purge_expired().summary())
