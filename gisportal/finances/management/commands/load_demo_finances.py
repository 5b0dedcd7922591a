"""`gisportal load_demo_finances [--if-empty]`: tag the loaded budgets' expense lines by function, after load_demo."""

from django.core.management.base import BaseCommand, CommandParser

from gisportal.finances import services
from gisportal.finances.models import LineTag
from layers.models import Municipality


class Command(BaseCommand):
    help = (
        "Give every expense line of the loaded budgets (Bou Arada's in the demo) the default function of the budget "
        "nomenclature, for the staff of each municipality to check. Lines already tagged are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when lines are tagged already")

    def handle(self, *args: object, if_empty: bool, **options: object) -> None:
        if if_empty and LineTag.objects.exists():
            self.stdout.write("Budget lines already tagged.")
            return
        municipalities = Municipality.objects.filter(budget_lines__kind="expense").distinct().order_by("code")
        tagged = {m.code: services.seed_default_tags(municipality=m) for m in municipalities}
        done = ", ".join(f"{code}: {count}" for code, count in tagged.items()) or "no budget loaded"
        self.stdout.write(f"{sum(tagged.values())} expense lines tagged by their default function ({done}).")
