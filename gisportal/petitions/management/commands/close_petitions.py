from django.core.management.base import BaseCommand

from gisportal.petitions import services


class Command(BaseCommand):
    help = "Close the petitions whose signing ended below their threshold (run daily, e.g. from cron)."

    def handle(self, *args: object, **options: object) -> None:
        closed = services.close_expired()
        self.stdout.write(f"{closed} petitions closed without reaching their threshold.")
