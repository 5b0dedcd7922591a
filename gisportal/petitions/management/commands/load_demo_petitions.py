from django.core.management.base import BaseCommand, CommandParser

from gisportal.petitions import demo
from gisportal.petitions.models import Petition, Signature


class Command(BaseCommand):
    help = "Seed the pilots' demo petitions (Tozeur, Béja, Sousse), one in every state, after load_demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when petitions exist")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and Petition.objects.exists():
            self.stdout.write("Demo petitions already loaded.")
            return
        made = demo.seed(seed=seed)
        self.stdout.write(f"{made} demo petitions loaded, {Signature.objects.count()} signatures.")
