from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gisportal.backups import archive
from gisportal.paths import VAR_DIR


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format), media, private uploads and import reports into one "
        "archive with a checksum and a manifest of every table's rows and fingerprint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, default=VAR_DIR / "backups", help="folder for the archive")

    def handle(self, *args: object, **options: object) -> None:
        try:
            archive.create(options["to"], progress=self.stdout.write)  # type: ignore[arg-type]
        except archive.BackupError as error:
            raise CommandError(str(error)) from None
