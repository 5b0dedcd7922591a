"""gisportal subset_icons: write the maps' icon stylesheet and font (maps/icons.py) after SERVICE_ICONS changes."""

from django.core.management.base import BaseCommand

from maps import icons
from maps.builders import SERVICE_ICONS


class Command(BaseCommand):
    help = "Cut Font Awesome down to the map icons (maps/static/maps/icons/); commit what it writes."

    def handle(self, *args: object, **options: object) -> None:
        for path in icons.write(sorted({icon for icon, _ in SERVICE_ICONS.values()})):
            self.stdout.write(f"{path.relative_to(icons.BASE_DIR)}: {path.stat().st_size:,} bytes")
