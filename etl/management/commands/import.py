"""`gisportal import FILE --layer LAYER …`: one file into one layer, all or nothing."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etl.pipeline import ImportFailed, import_file
from etl.progress import ProgressBar
from etl.targets import TARGETS, layer_name


class Command(BaseCommand):
    help = "Import a vector file or table (Shapefile, GeoPackage, GeoJSON, KML/KMZ, CSV/XLSX) into a layer."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--layer", required=True, choices=sorted(TARGETS), type=layer_name)
        parser.add_argument("--municipality", help="official code; rows outside it are rejected")
        parser.add_argument("--mapping", help="a field mapping spec: a path or a name from etl/mappings/")
        parser.add_argument("--source-layer", help="the layer to read in a GeoPackage or KML with several")
        parser.add_argument("--source-crs", help="the CRS of a file that declares none, e.g. 32632")
        parser.add_argument("--encoding", help="attribute encoding, e.g. cp1256 (a .cpg file says it otherwise)")
        parser.add_argument("--update-on", nargs="+", metavar="FIELD", help="natural key: update rows that match")
        parser.add_argument("--dry-run", action="store_true", help="check everything, store nothing")
        parser.add_argument("--report", type=Path, help="where to write the CSV of rejected rows")
        parser.add_argument("--timings", action="store_true", help="print the seconds spent in each phase")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        bar = ProgressBar(path.name)
        try:
            summary = import_file(
                path,
                layer=str(options["layer"]),
                municipality=options["municipality"],  # type: ignore[arg-type]
                mapping=options["mapping"],  # type: ignore[arg-type]
                source_layer=options["source_layer"],  # type: ignore[arg-type]
                source_crs=options["source_crs"],  # type: ignore[arg-type]
                encoding=options["encoding"],  # type: ignore[arg-type]
                update_on=options["update_on"],  # type: ignore[arg-type]
                dry_run=bool(options["dry_run"]),
                report=options["report"],  # type: ignore[arg-type]
                progress=bar,
            )
        except ImportFailed as error:
            raise CommandError(f"import refused, nothing stored: {error}") from error
        finally:
            bar.close()
        self.stdout.write(f"{path.name} → {options['layer']}: {summary.line()}")
        self.stdout.write(f"report of rows not imported: {summary.report}")
        if summary.record_id and not summary.dry_run:
            self.stdout.write(
                f"import record {summary.record_id} (undo it with: gisportal undo-import {summary.record_id})"
            )
        if options["timings"]:
            for phase, seconds in summary.seconds.items():
                self.stdout.write(f"  {phase}: {seconds:.2f} s")
