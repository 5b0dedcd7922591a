from django.core.management.base import BaseCommand, CommandParser

from gisportal.budgeting import demo
from gisportal.budgeting.models import Budget


class Command(BaseCommand):
    help = "Seed the pilots' demo participatory budgets (one in each phase), after load_demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when budgets exist")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and Budget.objects.exists():
            self.stdout.write("Demo participatory budgets already loaded.")
            return
        ballots = demo.seed(seed=seed)
        self.stdout.write(f"{len(demo.CYCLES)} demo participatory budgets loaded, {ballots} ballots cast.")
