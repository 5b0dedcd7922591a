"""`gisportal export-map CODE [CODE …]`: one self-contained HTML map per municipality, readable offline."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maps.export import UnknownMunicipality, write_municipality_html


class Command(BaseCommand):
    help = "Write one self-contained HTML map per municipality (opens offline, from a file or a USB stick)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="+", metavar="CODE", help="DGCL code of the municipality, e.g. 6211")
        parser.add_argument("--output", type=Path, default=Path("."), help="folder to write into (default: here)")
        parser.add_argument("--language", choices=["ar", "fr", "en"], default="fr")

    def handle(self, *args: Any, codes: list[str], output: Path, language: str, **options: Any) -> None:
        output.mkdir(parents=True, exist_ok=True)
        written = 0
        for code in codes:
            try:
                path = write_municipality_html(code, output, language=language)
            except UnknownMunicipality:
                raise CommandError(f"No municipality has the code {code}.") from None
            written += 1
            self.stdout.write(f"{code}: {path} ({path.stat().st_size / 1024:.0f} KB)")
        self.stdout.write(f"{written} map(s) written to {output}.")
