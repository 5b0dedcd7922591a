from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gisportal.backups import archive


class Command(BaseCommand):
    help = (
        "Restore a `gisportal backup` archive into an empty database and empty media folders, then check every "
        "table against the archive's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", help="database name on the configured server (default: the portal's)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            archive.restore(options["archive"], database=options["database"], progress=self.stdout.write)  # type: ignore[arg-type]
        except archive.BackupError as error:
            raise CommandError(str(error)) from None
