from django.core.management.base import BaseCommand, CommandParser

from etl.demo import SEED
from gisportal.routing import demo
from gisportal.routing.models import RoadNetwork


class Command(BaseCommand):
    help = "Seed synthetic street networks for the pilot municipalities (after load_demo), marked synthetic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a network was built")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and RoadNetwork.objects.filter(edges__gt=0).exists():
            self.stdout.write("Demo street networks already built.")
            return
        demo.load_demo_streets(seed=seed, progress=self.stdout.write)
