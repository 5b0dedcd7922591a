"""`gisportal import-raster FILE --kind population|population_density|elevation|other [--name NAME]`."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etl.models import RasterLayer
from etl.rasters import RasterError, import_raster


class Command(BaseCommand):
    help = "Register a raster and compute its zonal statistics (municipalities, districts, catchments, …)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=RasterLayer.Kind.values)
        parser.add_argument("--name", help="a name for the raster (default: the file name)")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            summary = import_raster(path, kind=str(options["kind"]), name=options["name"])  # type: ignore[arg-type]
        except RasterError as error:
            raise CommandError(f"raster refused, nothing stored: {error}") from error
        self.stdout.write(summary.line())
        for zone, total in summary.totals.items():
            if summary.zones[zone]:
                self.stdout.write(f"  {zone}: sum over {summary.zones[zone]} features = {total:,.0f}")
