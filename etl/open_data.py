"""Open data: the public layers and tables as files anyone may download.

A file is built once per version of its data (`DataVersion`, moved by a trigger on each public table and on
the tables its codes come from) and kept in settings.OPEN_DATA_DIR (var/cache/open-data): a download is a
file read, and nobody can make the portal export a million rows per request. Complaints are not published:
they are people's reports.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import ForeignKey

from etl.export import FORMATS, ExportFailed, export_layer
from etl.models import DataVersion
from etl.targets import TARGETS, Target
from gisportal.paths import VAR_DIR
from layers.models import Municipality
from layers.selectors import table_sizes

PUBLIC = (
    "governorate",
    "delegation",
    "municipality",
    "district",
    "service_point",
    "collection_route",
    "road",
    "budget_line",
    "budget_execution",
    "performance_criterion",
    "performance_score",
)
CONTENT_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "shp": "application/zip",
}


@dataclass(frozen=True)
class Listing:
    """Open data another app publishes itself (participatory budgets …), listed on the same page."""

    title: str
    downloads: tuple[tuple[str, str], ...]  # (format, url)


# Filled by the apps above etl (their `ready()`): each lists its own files, for all of Tunisia or one municipality.
LISTINGS: list[Callable[[Municipality | None], list[Listing]]] = []


def other_listings(municipality: Municipality | None) -> list[Listing]:
    return [item for source in LISTINGS for item in source(municipality)]


class NotPublished(Exception):
    """No such public file: an unknown or private layer, a format it has not, an unknown municipality."""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    formats: tuple[str, ...]
    features: int
    changed_at: datetime | None
    by_municipality: bool


def _folder() -> Path:
    return Path(getattr(settings, "OPEN_DATA_DIR", VAR_DIR / "cache" / "open-data"))


def formats(target: Target) -> tuple[str, ...]:
    return tuple(FORMATS) if target.geometry is not None else ("csv",)


def _tables(target: Target) -> list[str]:
    """The target's table and the tables its exported codes are read from."""
    related = [f.related_model._meta.db_table for f in target.fields.values() if isinstance(f, ForeignKey)]  # type: ignore[union-attr]
    return [target.table, *related]


def catalogue() -> list[Dataset]:
    """What the open data page lists: every public layer and table, its size and when it last changed."""
    changed = dict(DataVersion.objects.values_list("table_name", "changed_at"))
    sizes = table_sizes([TARGETS[name].table for name in PUBLIC])
    datasets = []
    for name in PUBLIC:
        target = TARGETS[name]
        by_municipality = "municipality" in target.references or target.model is Municipality
        datasets.append(
            Dataset(
                name=name,
                title=str(target.model._meta.verbose_name_plural),
                formats=formats(target),
                features=sizes[target.table],
                changed_at=changed.get(target.table),
                by_municipality=by_municipality,
            )
        )
    return datasets


def published_file(name: str, fmt: str, municipality: str | None = None) -> Path:
    """The file of a public layer (or of one municipality's part of it), built if its data changed since."""
    if name not in PUBLIC or fmt not in formats(TARGETS[name]):
        raise NotPublished(f"no open data file {name}.{fmt}")
    if municipality is not None and not Municipality.objects.filter(code=municipality).exists():
        raise NotPublished(f"no municipality with code {municipality}")
    target = TARGETS[name]
    # The change time too: a database restored or recreated starts its counters again.
    versions = {
        table: f"{version}.{changed_at.timestamp():.6f}"
        for table, version, changed_at in DataVersion.objects.filter(table_name__in=_tables(target)).values_list(
            "table_name", "version", "changed_at"
        )
    }
    version = "-".join(versions.get(table, "0") for table in _tables(target))
    stem = f"{name}-{municipality or 'all'}-"
    suffix = ".zip" if fmt == "shp" else FORMATS[fmt][1]
    folder = _folder()
    path = folder / f"{stem}v{hashlib.sha256(version.encode()).hexdigest()[:16]}{suffix}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        try:
            built = export_layer(name, fmt=fmt, path=Path(work) / path.name, municipality=municipality).path
        except ExportFailed as error:
            raise NotPublished(str(error)) from error
        os.replace(built, path)  # atomic: a concurrent download reads the old file or the whole new one
    for stale in folder.glob(f"{stem}v*{suffix}"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path
