"""`gisportal record-fill-levels CODE FILE.csv`: containers' fill readings (columns container, percent, and optionally
read_at in ISO 8601 and source), all or nothing; the planner loads trucks by the latest fresh one."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gisportal.routing import services
from layers.models import Municipality


class Command(BaseCommand):
    help = "Record waste containers' fill levels from a CSV file (container, percent[, read_at, source])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the municipality's official code, e.g. 6211")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, code: str, file: Path, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality has the code {code}.")
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                if not {"container", "percent"} <= set(reader.fieldnames or []):
                    raise CommandError("The file needs the columns container and percent (read_at, source optional).")
                rows = [
                    services.FillRow(
                        n,
                        row.get("container") or "",
                        row.get("percent") or "",
                        row.get("read_at") or "",
                        row.get("source") or "",
                    )
                    for n, row in enumerate(reader, start=2)
                ]
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{file}: {error}") from error
        stored, rejected = services.record_fill_levels(municipality=municipality, rows=rows)
        for reason in rejected:
            self.stderr.write(reason)
        if rejected:
            raise CommandError(f"{len(rejected)} rows rejected, nothing recorded.")
        self.stdout.write(f"{stored} fill readings recorded for {municipality.name_fr}, 0 rejected.")
