"""`gisportal load_demo_scorecards [--if-empty]`: the histories of the demo's reports, for the service scorecard."""

from django.core.management.base import BaseCommand, CommandParser

from gisportal.complaints.models import ComplaintUpdate
from gisportal.scorecards import demo


class Command(BaseCommand):
    help = (
        "Give each report loaded without a history (load_demo's pilots) the steps that lead to its status and, for "
        "some closed ones, a satisfaction answer, so that the service scorecard has something to measure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when reports have histories already")

    def handle(self, *args: object, if_empty: bool, **options: object) -> None:
        if if_empty and ComplaintUpdate.objects.exists():
            self.stdout.write("Reports already have their histories.")
            return
        reports, updates, answers = demo.seed_histories()
        self.stdout.write(
            f"{reports} reports given their histories: {updates} updates, {answers} satisfaction answers."
        )
