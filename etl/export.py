"""Export a layer to a file other tools read: GeoPackage, GeoJSON, CSV (WKT) or a zipped Shapefile;
a table without geometry (budget lines, performance scores) to CSV.

Foreign keys are written as the referenced layer's code, so that an export imports back as it was.
Rows are streamed from a server-side cursor in batches: memory stays flat whatever the layer's size.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.db import connection, transaction
from django.db.models import ForeignKey

from etl.targets import TARGETS, Target, layer_name
from gisportal import spreadsheets

FORMATS = {
    # format: (GDAL driver, suffix, dataset options, layer options)
    "gpkg": ("GPKG", ".gpkg", {"VERSION": "1.2"}, {}),  # GDAL 3.6 (GeoDjango's) half-reads GeoPackage 1.4
    "geojson": ("GeoJSON", ".geojson", {}, {"WRITE_NAME": "NO", "COORDINATE_PRECISION": "17"}),  # lossless
    # A byte-order mark, so that a spreadsheet opens the Arabic names as Arabic.
    "csv": ("CSV", ".csv", {}, {"GEOMETRY": "AS_WKT", "GEOMETRY_NAME": "wkt", "WRITE_BOM": "YES"}),
    "shp": ("ESRI Shapefile", ".zip", {}, {"ENCODING": "UTF-8"}),
}
# A citizen's contact details never leave the portal in an export.
PRIVATE_FIELDS = {"reporter_name", "reporter_contact", "assignee", "answers"}


class ExportFailed(Exception):
    pass


@dataclass
class ExportSummary:
    path: Path
    features: int

    def line(self) -> str:
        return f"{self.features:,} features written to {self.path}"


def _columns(target: Target) -> tuple[list[str], list[str], str]:
    """SQL select expressions, the column names they become, and the joins that give foreign keys' codes."""
    selects, names, joins = [], [], []
    for name, f in target.fields.items():
        if name in PRIVATE_FIELDS:
            continue
        if isinstance(f, ForeignKey):
            related = f.related_model._meta.db_table  # type: ignore[union-attr]
            joins.append(f' LEFT JOIN {related} r_{name} ON r_{name}.id = t."{f.column}"')
            selects.append(f"r_{name}.{target.references[name]}")
        elif f.get_internal_type() == "ArrayField":
            selects.append(f"array_to_string(t.\"{f.column}\", ',')")
        elif f.get_internal_type() in {"TimeField", "DateTimeField"}:
            selects.append(f't."{f.column}"::text')
        else:
            selects.append(f't."{f.column}"')
        names.append(name)
    return selects, names, "".join(joins)


def export_layer(
    layer: str,
    *,
    fmt: str,
    path: Path,
    municipality: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    batch_size: int = 50_000,
) -> ExportSummary:
    """Write a layer (optionally one municipality's part, or a bounding box) to a file."""
    layer = layer_name(layer)
    if layer not in TARGETS:
        raise ExportFailed(f"unknown layer '{layer}' (layers: {', '.join(TARGETS)})")
    if fmt not in FORMATS:
        raise ExportFailed(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    target = TARGETS[layer]
    if target.geometry is None and fmt != "csv":
        raise ExportFailed(f"the {layer} table has no geometry: it exports as csv only")
    driver, suffix, dataset_options, layer_options = FORMATS[fmt]
    if fmt == "shp":  # a shapefile is several files: it travels as one zip
        path = path.with_suffix(".zip")
    selects, names, joins = _columns(target)
    where: list[str] = ["true"]
    params: list[str | float] = []
    if municipality is not None:
        if target.model.__name__ == "Municipality":
            where.append("t.code = %s")
        elif "municipality" in target.references:
            where.append("r_municipality.code = %s")
        else:
            raise ExportFailed(f"--municipality does not apply to the {layer} layer")
        params.append(municipality)
    geometry = f't."{target.geometry.column}"' if target.geometry else None
    if bbox is not None:
        if geometry is None:
            raise ExportFailed(f"--bbox does not apply to the {layer} table")
        where.append(f"{geometry} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        params.extend(bbox)
    geometry_select = f", ST_AsBinary({geometry})" if geometry else ""
    sql = f"""SELECT {", ".join(selects)}{geometry_select} FROM {target.table} t{joins}
              WHERE {" AND ".join(where)} ORDER BY t.id"""
    # WKT with every significant digit, so that a CSV export imports back to the same geometries.
    pyogrio.set_gdal_config_options({"OGR_WKT_PRECISION": 17})
    workdir = Path(tempfile.mkdtemp(prefix="gisportal-export-"))
    written = workdir / f"{layer}{'.shp' if fmt == 'shp' else suffix}"
    features = 0
    try:
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(batch_size):
                if geometry is None:
                    frame = _text_cells(pd.DataFrame(rows, columns=names), target)
                    encoding = "utf-8-sig" if features == 0 else "utf-8"  # the byte-order mark once, at the start
                    frame.to_csv(written, mode="a", header=features == 0, index=False, encoding=encoding)
                else:
                    _append(written, target, rows, names, driver, dataset_options, layer_options, first=features == 0)
                features += len(rows)
        if features == 0:
            raise ExportFailed(f"nothing to export: the {layer} layer has no feature matching the filters")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "shp":
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for part in sorted(workdir.iterdir()):
                    archive.write(part, part.name)
        else:
            shutil.move(written, path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return ExportSummary(path, features)


def _text_cells(frame: pd.DataFrame, target: Target) -> pd.DataFrame:
    """A CSV's text columns (and the codes foreign keys are written as) never read as a spreadsheet formula.

    The importer takes the apostrophe off again (etl.sources): a CSV export still imports back as it was.
    """
    for name in frame.columns:
        if target.fields[name].get_internal_type() in {"CharField", "TextField", "ForeignKey"}:
            frame[name] = spreadsheets.neutralise_column(frame[name])
    return frame


def _append(
    written: Path,
    target: Target,
    rows: list[tuple],
    names: list[str],
    driver: str,
    dataset_options: dict[str, str],
    layer_options: dict[str, str],
    *,
    first: bool,
) -> None:
    """One batch of features (attributes, then WKB last) added to the file GDAL writes."""
    frame = pd.DataFrame([row[:-1] for row in rows], columns=names)
    if driver == "CSV":
        frame = _text_cells(frame, target)
    geometries = shapely.from_wkb([bytes(row[-1]) for row in rows])
    with warnings.catch_warnings():  # Shapefile names cut to 10 characters: the importer knows
        warnings.filterwarnings("ignore", "Normalized/laundered field name", RuntimeWarning)
        pyogrio.write_dataframe(
            gpd.GeoDataFrame(frame, geometry=geometries, crs=4326),
            written,
            layer=target.name,
            driver=driver,
            append=not first,
            promote_to_multi=bool(target.geometry_type and target.geometry_type.startswith("MULTI")),
            dataset_options=dataset_options if first else None,
            layer_options=layer_options if first else None,
        )
