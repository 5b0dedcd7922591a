"""`gisportal load_demo_finances [--if-empty]`: after load_demo, give the pilots (which publish no budget) a synthetic
demo budget made from Bou Arada's, marked as such, then tag every loaded budget's expense lines by function."""

from django.core.management.base import BaseCommand, CommandParser

from etl.demo import PILOTS
from gisportal.finances import services
from gisportal.finances.models import LineTag
from layers.models import Municipality

BOU_ARADA = "2412"  # the one municipality whose budget files are in the demo data


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
        template = Municipality.objects.filter(code=BOU_ARADA).first()
        for code in PILOTS:
            pilot = Municipality.objects.filter(code=code).first()
            if template and template.budget_lines.exists() and pilot and not pilot.budget_lines.exists():
                made = services.seed_synthetic_budget(municipality=pilot, template=template)
                self.stdout.write(
                    f"{pilot.name_fr}: a synthetic demo budget of {made} lines, from {template.name_fr}'s."
                )
        municipalities = Municipality.objects.filter(budget_lines__kind="expense").distinct().order_by("code")
        tagged = {m.code: services.seed_default_tags(municipality=m) for m in municipalities}
        done = ", ".join(f"{code}: {count}" for code, count in tagged.items()) or "no budget loaded"
        self.stdout.write(f"{sum(tagged.values())} expense lines tagged by their default function ({done}).")
