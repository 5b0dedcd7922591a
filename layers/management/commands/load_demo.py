from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from etl.demo import SEED, load_demo
from layers.models import Municipality


class Command(BaseCommand):
    help = "Load the demo data: real Tunisian boundaries and service points, seeded pilot layers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated layers")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when municipalities exist")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if Municipality.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError("The database already holds municipalities; load the demo into an empty database.")
        with transaction.atomic():
            load_demo(seed=seed, progress=self.stdout.write)
            # A first version of every feature, so that the first edit can be undone from the history.
            call_command("populate_history", "--auto", verbosity=0, stdout=StringIO())
        self.stdout.write("Demo data loaded, with a first version of every feature in the layer history.")
