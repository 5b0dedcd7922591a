"""`gisportal prune-imports [--days 90]`: the uploaded files and reports of old imports deleted (run it daily)."""

from argparse import ArgumentParser
from datetime import timedelta

from django.core.management.base import BaseCommand

from etl.services import prune_uploads


class Command(BaseCommand):
    help = "Delete the uploaded files and reports of imports finished more than --days ago (the jobs stay)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=90, help="keep the files of imports this recent (default 90)")

    def handle(self, *args: object, **options: object) -> None:
        pruned = prune_uploads(older_than=timedelta(days=int(options["days"])))  # type: ignore[call-overload]
        self.stdout.write(f"files of {pruned} imports deleted")
