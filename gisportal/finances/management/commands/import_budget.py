"""`gisportal import_budget FILE [--municipality CODE] [--kind revenue|expense]`: a published budget file."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etl.pipeline import ImportFailed
from gisportal.finances.budget_files import import_budget_file


class Command(BaseCommand):
    help = (
        "Import a municipal budget file as OpenBaladiati publishes them (CSV: one line per year, one column per "
        "year, or the monthly execution statements), all or nothing, with the report of rows not imported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", help="official code (default: from the OpenBaladiati id in the name)")
        parser.add_argument("--kind", choices=["revenue", "expense"], help="default: from the file's name")
        parser.add_argument("--dry-run", action="store_true", help="check everything, store nothing")
        parser.add_argument("--report", type=Path, help="where to write the CSV of rows not imported")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            found, summary = import_budget_file(
                path,
                municipality=options["municipality"],  # type: ignore[arg-type]
                kind=options["kind"],  # type: ignore[arg-type]
                dry_run=bool(options["dry_run"]),
                report=options["report"],  # type: ignore[arg-type]
            )
        except ImportFailed as error:
            raise CommandError(f"import refused, nothing stored: {error}") from error
        year = f" {found.year}" if found.year else ""
        self.stdout.write(
            f"{path.name} ({found.format} {found.kind}{year}, municipality {found.municipality}) → {found.layer}: "
            f"{summary.line()}"
        )
        self.stdout.write(f"report of rows not imported: {summary.report}")
