"""`gisportal analyse <name> [--parameter value …] [--format csv|geojson|json] [--output FILE]`."""

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gisportal.api import analyses, exports


class Command(BaseCommand):
    help = "Run a spatial analysis on the whole database and print it as CSV, GeoJSON or JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", nargs="?", choices=list(analyses.ANALYSES), help="the analysis (none: list them)")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", type=Path, help="write to this file instead of the standard output")
        seen: set[str] = set()
        for analysis in analyses.ANALYSES.values():
            for parameter in analysis.parameters:
                if parameter.name not in seen:
                    seen.add(parameter.name)
                    parser.add_argument(f"--{parameter.name}", help=parameter.help)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if name is None:
            for analysis in analyses.ANALYSES.values():
                accepted = " ".join(f"--{p.name}" for p in analysis.parameters)
                self.stdout.write(f"{analysis.name:26} {analysis.title}  {accepted}")
            return
        names = {p.name for a in analyses.ANALYSES.values() for p in a.parameters}
        raw = {n: options[n.replace("-", "_")] for n in names if options.get(n.replace("-", "_")) is not None}
        started = time.monotonic()
        try:
            result = analyses.run(name, raw, user=None)
            text = exports.render(result, options["format"])
        except (analyses.BadAnalysisParameter, ValueError) as bad:
            raise CommandError(str(bad)) from None
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
        where = f" to {options['output']}" if options["output"] else ""
        sys.stderr.write(f"{name}: {len(result.rows)} rows in {time.monotonic() - started:.2f} s{where}\n")
