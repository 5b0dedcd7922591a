from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gisportal.complaints import gazetteer
from gisportal.complaints.models import Place


class Command(BaseCommand):
    help = "Load the offline gazetteer (GeoNames populated places of Tunisia) for place search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when places are already loaded")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Place.objects.exists():
            self.stdout.write(f"{Place.objects.count()} places already loaded, nothing to do")
            return
        count = gazetteer.load_places()
        self.stdout.write(f"{count} populated places in the gazetteer, from {gazetteer.GEONAMES_FILE.name}")
