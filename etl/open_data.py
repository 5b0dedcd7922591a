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
from django.utils import translation
from django.utils.translation import gettext as _

from etl.export import FORMATS, ExportFailed, export_layer
from etl.models import DataVersion
from etl.targets import TARGETS, Target
from gisportal.db import reading_connection
from gisportal.paths import VAR_DIR
from layers.models import Municipality
from layers.selectors import table_sizes

PUBLIC = (
    "governorates",
    "delegations",
    "municipalities",
    "districts",
    "service-points",
    "collection-routes",
    "roads",
    "budget-lines",
    "budget-executions",
    "performance-criteria",
    "performance-scores",
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
    """No such public file: an unknown or private layer, a format it has not, an unknown municipality, or no
    rows (yet) for the municipality asked for. Its message is for the reader, in the page's language."""


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


def by_municipality(target: Target) -> bool:
    return "municipality" in target.references or target.model is Municipality


def _rows_in(municipality: Municipality, names: list[str]) -> dict[str, int]:
    """Each dataset's rows in one municipality, exactly, in one query (each an index scan on its municipality)."""
    counts = []
    for name in names:
        target = TARGETS[name]
        column = "id" if target.model is Municipality else target.fields["municipality"].column
        counts.append(f"SELECT '{name}', count(*) FROM {target.table} WHERE {column} = %s")  # noqa: S608
    with reading_connection().cursor() as cursor:  # model tables and columns, never input
        cursor.execute(" UNION ALL ".join(counts), [municipality.pk] * len(names))
        return dict(cursor.fetchall())


def catalogue(municipality: Municipality | None = None) -> list[Dataset]:
    """What the open data page lists: every public layer and table, its size and when it last changed; for one
    municipality, the datasets split by municipality with that municipality's rows."""
    changed = dict(DataVersion.objects.values_list("table_name", "changed_at"))
    names = [name for name in PUBLIC if municipality is None or by_municipality(TARGETS[name])]
    if municipality is None:
        tables = table_sizes([TARGETS[name].table for name in names])
        sizes = {name: tables[TARGETS[name].table] for name in names}
    else:
        sizes = _rows_in(municipality, names)
    return [
        Dataset(
            name=name,
            title=str(TARGETS[name].model._meta.verbose_name_plural),
            formats=formats(TARGETS[name]),
            features=sizes[name],
            changed_at=changed.get(TARGETS[name].table),
            by_municipality=by_municipality(TARGETS[name]),
        )
        for name in names
    ]


def published_file(name: str, fmt: str, municipality: str | None = None) -> Path:
    """The file of a public layer (or of one municipality's part of it), built if its data changed since."""
    if name not in PUBLIC or fmt not in formats(TARGETS[name]):
        raise NotPublished(_("There is no open data file %(file)s.") % {"file": f"{name}.{fmt}"})
    target = TARGETS[name]
    dataset = str(target.model._meta.verbose_name_plural)
    place = Municipality.objects.filter(code=municipality).first() if municipality is not None else None
    if municipality is not None and place is None:
        raise NotPublished(_("No municipality has the code %(code)s.") % {"code": municipality})
    if place is not None and not by_municipality(target):
        raise NotPublished(_("The %(dataset)s are published for all of Tunisia only.") % {"dataset": dataset})
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
        except ExportFailed as error:  # no row: the only failure a public name, format and municipality leave
            raise NotPublished(_nothing_yet(dataset, place)) from error
        os.replace(built, path)  # atomic: a concurrent download reads the old file or the whole new one
    for stale in folder.glob(f"{stem}v*{suffix}"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def _nothing_yet(dataset: str, municipality: Municipality | None) -> str:
    if municipality is None:
        return _("No %(dataset)s are published yet.") % {"dataset": dataset}
    name = municipality.name_ar if translation.get_language() == "ar" else municipality.name_fr
    return _("%(municipality)s has published no %(dataset)s yet.") % {"municipality": name, "dataset": dataset}
