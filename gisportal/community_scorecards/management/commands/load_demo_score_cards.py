from django.core.management.base import BaseCommand, CommandParser

from gisportal.community_scorecards import demo
from gisportal.community_scorecards.models import Cycle


class Command(BaseCommand):
    help = "Seed the demo community score cards (Tozeur's waste collection, Béja's fees counter), after load_demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when score card cycles exist")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and Cycle.objects.exists():
            self.stdout.write("Demo community score cards already loaded.")
            return
        scores = demo.seed(seed=seed)
        cycles = Cycle.objects.count()
        self.stdout.write(f"{cycles} community score card cycles loaded, {scores} online scores given.")
