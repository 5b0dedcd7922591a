"""`gisportal undo-import ID`: the import's updated rows restored and its inserted rows deleted, all or nothing."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from etl.models import ImportRecord
from etl.undo import UndoRefused, undo_import


class Command(BaseCommand):
    help = "Undo an import (its record's id, printed by `gisportal import`): refused where a row was edited since."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("record", type=int, help="the import record's id")

    def handle(self, *args: object, **options: object) -> None:
        record_id = int(options["record"])  # type: ignore[call-overload]
        found = ImportRecord.objects.filter(pk=record_id).first()
        if found is None:
            raise CommandError(f"no import record {record_id}")
        with translation.override("en"):  # the operator's command speaks English, as `gisportal import`
            try:
                summary = undo_import(record_id=record_id, user=None)
            except UndoRefused as error:
                problem = f"import {record_id} ({found.file_name}) not undone, nothing changed: {error}"
                raise CommandError(problem) from error
            self.stdout.write(f"import {record_id} ({found.file_name} → {found.layer}) undone: {summary.line()}")
