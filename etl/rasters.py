"""Rasters: register a GeoTIFF (CRS, bounds, resolution, no-data), store it under MEDIA_ROOT/rasters,
and summarise it over municipalities, governorates, delegations, districts and service catchments.

Zonal statistics come from exactextract: each cell counts by the exact share of it a zone covers, so a
district smaller than one cell still gets its part of the population.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import rasterio
import shapely
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from exactextract import exact_extract
from rasterio.errors import RasterioIOError
from rasterio.warp import transform_bounds

from etl.models import RasterLayer, ZonalStatistic
from etl.sources import max_file_bytes

# Zone layers and the SQL giving each feature's id and geometry.
ZONES: dict[str, str] = {
    ZonalStatistic.Zone.GOVERNORATE: "SELECT id, ST_AsBinary(boundary) FROM layers_governorate",
    ZonalStatistic.Zone.DELEGATION: "SELECT id, ST_AsBinary(boundary) FROM layers_delegation",
    ZonalStatistic.Zone.MUNICIPALITY: "SELECT id, ST_AsBinary(boundary) FROM layers_municipality",
    ZonalStatistic.Zone.DISTRICT: "SELECT id, ST_AsBinary(boundary) FROM layers_district",
    # Who lives within reach of a public service (containers are not a service people walk to).
    ZonalStatistic.Zone.SERVICE_CATCHMENT: """
        SELECT id, ST_AsBinary(ST_Buffer(location::geography, %(metres)s)::geometry) FROM layers_servicepoint
        WHERE kind NOT IN ('waste_container', 'collection_point', 'transfer_station', 'landfill')""",
}


def catchment_metres() -> float:
    return float(getattr(settings, "ETL_CATCHMENT_METRES", 1000))


class RasterError(Exception):
    """The raster cannot be registered; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path.name}: {problem}")


@dataclass
class RasterSummary:
    raster: RasterLayer
    zones: dict[str, int] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        r = self.raster
        zones = ", ".join(f"{count} {zone}" for zone, count in self.zones.items())
        return (
            f"{r.name}: {r.width}x{r.height} cells of {r.resolution_x:g}x{r.resolution_y:g} ({r.crs}), "
            f"no-data {r.nodata}; statistics for {zones}"
        )


def _sql_crs(crs: rasterio.crs.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


@transaction.atomic
def import_raster(path: Path, *, kind: str, name: str | None = None) -> RasterSummary:
    """Register a raster (replacing one of the same name) and compute its zonal statistics."""
    if kind not in RasterLayer.Kind.values:
        raise RasterError(path, f"unknown kind '{kind}' (kinds: {', '.join(RasterLayer.Kind.values)})")
    if not path.exists():
        raise RasterError(path, "no such file")
    if path.stat().st_size > max_file_bytes():
        raise RasterError(path, f"is over the {max_file_bytes() / 2**20:,.0f} MB import limit")
    try:
        with rasterio.open(path) as dataset:
            if dataset.crs is None:
                raise RasterError(path, "has no coordinate reference system")
            bounds = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
            meta = {
                "crs": _sql_crs(dataset.crs),
                "width": dataset.width,
                "height": dataset.height,
                "resolution_x": dataset.res[0],
                "resolution_y": dataset.res[1],
                "nodata": dataset.nodata,
                "bands": dataset.count,
                "dtype": dataset.dtypes[0],
            }
    except RasterioIOError as error:
        raise RasterError(path, f"is not a raster GDAL can read ({error})") from error
    source_note = path.parent / "SOURCE.md"
    name = name or path.stem
    RasterLayer.objects.filter(name=name).delete()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    raster = RasterLayer(
        name=name,
        kind=kind,
        footprint=shapely.box(*bounds).wkt,
        source=source_note.read_text(encoding="utf-8") if source_note.exists() else "",
        **meta,
    )
    with open(path, "rb") as handle:
        raster.file.save(f"{digest}-{path.name}", File(handle), save=False)
    raster.save()
    summary = RasterSummary(raster)
    for zone in ZONES:
        count, total = compute_statistics(raster, zone)
        label = str(ZonalStatistic.Zone(zone).label)
        summary.zones[label] = count
        summary.totals[label] = total
    return summary


def _zones(zone: str, crs: str) -> gpd.GeoDataFrame:
    with connection.cursor() as cursor:
        cursor.execute(ZONES[zone], {"metres": catchment_metres()})
        rows = cursor.fetchall()
    return zone_frame([row[0] for row in rows], [bytes(row[1]) for row in rows], crs)


def zone_frame(ids: list[int], wkbs: list[bytes], crs: str) -> gpd.GeoDataFrame:
    """Zones (WKB in EPSG:4326, as PostGIS gives them) in the raster's CRS, each with its feature id."""
    frame = gpd.GeoDataFrame({"feature_id": ids}, geometry=shapely.from_wkb(wkbs), crs=4326)
    return frame.to_crs(crs) if crs != "EPSG:4326" else frame


def compute_statistics(raster: RasterLayer, zone: str) -> tuple[int, float]:
    """(Re)compute a raster's statistics over one zone layer; returns the zones and the grand total."""
    ZonalStatistic.objects.filter(raster=raster, zone=zone).delete()
    zones = _zones(zone, raster.crs)
    if zones.empty:
        return 0, 0.0
    frame = summarise(raster, zones)
    ZonalStatistic.objects.bulk_create(
        ZonalStatistic(raster=raster, zone=zone, **row) for row in frame.to_dict("records")
    )
    return len(frame), float(sum(v for v in frame["total"] if v is not None))


def summarise(raster: RasterLayer, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per zone: feature_id, total, mean, minimum, maximum, cells (None where no cell has data)."""
    # A density is summed over the covered area in km²; a count over the covered share of each cell.
    total = "sum(coverage_weight=area_spherical_km2)" if raster.kind == RasterLayer.Kind.POPULATION_DENSITY else "sum"
    with rasterio.open(raster.file.path) as dataset:
        frame = exact_extract(
            dataset,
            zones,
            [total, "mean", "min", "max", "count"],
            include_cols=["feature_id"],
            output="pandas",
        )
    frame.columns = ["feature_id", "total", "mean", "minimum", "maximum", "cells"]
    return frame.astype(object).where(pd.notna(frame), None)
