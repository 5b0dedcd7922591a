"""`gisportal export --layer LAYER --format gpkg|geojson|csv|shp [--municipality CODE] [--bbox …]`."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etl.export import FORMATS, ExportFailed, export_layer
from etl.targets import TARGETS, layer_name


class Command(BaseCommand):
    help = "Export a layer to a GeoPackage, GeoJSON, CSV (WKT) or zipped Shapefile."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--layer", required=True, choices=sorted(TARGETS), type=layer_name)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--municipality", help="official code: only this municipality's features")
        parser.add_argument("--bbox", nargs=4, type=float, metavar=("WEST", "SOUTH", "EAST", "NORTH"))
        parser.add_argument("--output", "-o", type=Path, help="the file to write (default: LAYER.FORMAT here)")

    def handle(self, *args: object, **options: object) -> None:
        fmt, layer = str(options["format"]), str(options["layer"])
        output = options["output"] or Path(f"{layer}{FORMATS[fmt][1]}")
        try:
            summary = export_layer(
                layer,
                fmt=fmt,
                path=output,  # type: ignore[arg-type]
                municipality=options["municipality"],  # type: ignore[arg-type]
                bbox=tuple(options["bbox"]) if options["bbox"] else None,  # type: ignore[arg-type]
            )
        except ExportFailed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(summary.line())
