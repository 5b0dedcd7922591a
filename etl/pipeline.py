"""The import pipeline: read in batches → map fields → check and repair (etl.checks) → COPY straight into an
empty layer, or into a table of checked rows → deduplicate and dissolve in SQL → insert or update the layer,
recorded once. One transaction: all or nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext

from etl import record
from etl.history import History
from etl.load import Loader
from etl.mapping import Mapper, Mapping, MappingError, default_mapping, load_mapping
from etl.models import ImportRecord
from etl.sources import SourceError, open_source
from etl.summary import ImportFailed, ImportSummary, Progress
from etl.targets import FAMILIES, TARGETS, Target, layer_name
from gisportal.api import tiles
from gisportal.paths import VAR_DIR

REPORTS_DIR = VAR_DIR / "imports"
__all__ = ["REPORTS_DIR", "ImportFailed", "ImportSummary", "Progress", "import_file"]


def import_file(
    path: Path | str,
    *,
    layer: str,
    municipality: str | None = None,
    mapping: str | Path | Mapping | None = None,
    source_layer: str | None = None,
    source_crs: str | int | None = None,
    encoding: str | None = None,
    update_on: list[str] | None = None,
    dry_run: bool = False,
    report: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 50_000,
    user_id: int | None = None,
    name: str | None = None,
    language: str = "en",
    job_id: int | None = None,
) -> ImportSummary:
    """Import one file into a layer, all or nothing; raise ImportFailed with a clear message.

    The import is recorded once (etl.models.ImportRecord: by `user_id`, None from the command, for the upload
    `job_id`): the ids it inserted and the rows it updated as they were, which is what undoing it needs.
    Messages name the file `name` (an upload's original name; the file's own name by default), never its path.
    They, the rows' reasons and the summary are in `language`: English for the command, the planner's on the
    upload page.
    """
    with translation.override(language):
        summary = _import(
            Path(path),
            layer=layer,
            municipality=municipality,
            mapping=mapping,
            source_layer=source_layer,
            source_crs=source_crs,
            encoding=encoding,
            update_on=update_on,
            dry_run=dry_run,
            report=report,
            progress=progress,
            batch_size=batch_size,
            user_id=user_id,
            name=name,
            job_id=job_id,
        )
    summary.language = language
    return summary


def _import(
    path: Path,
    *,
    layer: str,
    municipality: str | None,
    mapping: str | Path | Mapping | None,
    source_layer: str | None,
    source_crs: str | int | None,
    encoding: str | None,
    update_on: list[str] | None,
    dry_run: bool,
    report: Path | None,
    progress: Progress | None,
    batch_size: int,
    user_id: int | None,
    name: str | None,
    job_id: int | None,
) -> ImportSummary:
    layer = layer_name(layer)
    if layer not in TARGETS:
        problem = gettext("unknown layer '%(layer)s' (layers: %(layers)s)")
        raise ImportFailed(problem % {"layer": layer, "layers": ", ".join(TARGETS)})
    target = TARGETS[layer]
    shown = name or path.name
    try:
        spec = load_mapping(mapping) if isinstance(mapping, str | Path) else mapping
        if spec is not None and spec.layer != layer:
            problem = gettext("the mapping %(mapping)s is for the %(its)s layer, not %(layer)s")
            raise ImportFailed(problem % {"mapping": spec.origin, "its": spec.layer, "layer": layer})
        in_file = source_layer or (spec.source_layer if spec else None)
        where = spec.where if spec else None
        with open_source(
            path,
            layer=in_file,
            encoding=encoding,
            source_crs=source_crs,
            where=where,
            geometry=target.geometry is not None,
        ) as source:
            _check_geometry_type(source.geometry_type, target, shown)
            spec = spec or default_mapping(layer, source.fields)
            mapper = Mapper(spec, source.path.parent, source.fields)
            update_on = update_on or (list(spec.update_on) if spec.update_on else None)
            loader = Loader(target, spec, mapper, municipality, update_on)
            loader.history = History.of(target.model)
            with transaction.atomic():
                imported = ImportRecord.objects.create(
                    job_id=job_id, user_id=user_id, layer=layer, table_name=target.table, file_name=shown[:255]
                )
                loader.record_id = imported.pk
                summary = loader.run(lambda: mapper.unpivot(source.batches(batch_size)), source.features, progress)
                summary.report = loader.write_report(report or _report_path(path))
                summary.language = translation.get_language() or "en"
                with connection.cursor() as cursor:
                    record.finish(cursor, imported.pk, summary.line())
                summary.record_id = imported.pk
                summary.seconds = loader.seconds
                if dry_run:
                    summary.dry_run = True
                    transaction.set_rollback(True)
                elif summary.imported or summary.updated:
                    transaction.on_commit(lambda: tiles.model_changed(target.model))  # no stale tile of the old rows
            return summary
    except SourceError as error:
        # The upload by its own name; a file inside its archive by that file's name.
        raise ImportFailed(f"{shown}: {error.problem}" if error.path == path else str(error)) from error
    except MappingError as error:
        raise ImportFailed(str(error)) from error
    except (IntegrityError, DataError) as error:
        # A constraint the checks do not know about: the transaction is rolled back, nothing stays.
        problem = gettext("%(file)s: the database refused the rows: %(error)s")
        raise ImportFailed(problem % {"file": shown, "error": str(error).splitlines()[0]}) from error


def _check_geometry_type(geometry_type: str | None, target: Target, shown: str) -> None:
    if target.geometry_type is None:
        return  # a table: any geometry in the file is left out
    kind = (geometry_type or "Unknown").split()[0]
    known = {family for families in FAMILIES.values() for family in families}
    if kind in known and kind not in FAMILIES[target.geometry_type]:
        wanted = {"POINT": gettext("points"), "MULTIPOLYGON": gettext("polygons"), "MULTILINESTRING": gettext("lines")}[
            target.geometry_type
        ]
        problem = gettext("%(file)s: holds %(kind)s geometries, but the %(layer)s layer needs %(wanted)s")
        raise ImportFailed(problem % {"file": shown, "kind": kind, "layer": target.name, "wanted": wanted})


def _report_path(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return REPORTS_DIR / f"{path.stem}-{stamp}-report.csv"
