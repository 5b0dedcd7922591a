"""Readers: open whatever file the office has, refuse what is unsafe or unreadable, stream it in batches.

Every problem with the file itself raises `SourceError`, whose message names the file and the problem.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import pyproj
import shapely
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext
from pyogrio.errors import DataLayerError, DataSourceError

from gisportal import spreadsheets

# Formats read by GDAL through pyogrio, by file extension.
VECTOR_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".kml", ".kmz", ".fgb", ".gml", ".gpx", ".osm", ".pbf"}
TABLE_SUFFIXES = {".csv", ".xlsx", ".ods"}
ARCHIVE_SUFFIXES = {".zip", ".kmz"}
SHAPEFILE_PARTS = (".shx", ".dbf")
# Column names that hold coordinates in spreadsheets, most specific first.
LON_NAMES = ("lon", "lng", "long", "longitude", "x_wgs84")
LAT_NAMES = ("lat", "latitude", "y_wgs84")
X_NAMES = ("x", "easting")
Y_NAMES = ("y", "northing")
WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "geometrie")
STORAGE_CRS = pyproj.CRS.from_epsg(4326)
# The first row names the columns, even names that are numbers (one column per year); spreadsheet cells are text.
SPREADSHEET = {"HEADERS": "FORCE", "FIELD_TYPES": "STRING"}
OPEN_OPTIONS = {".csv": {"HEADERS": "YES"}, ".xlsx": SPREADSHEET, ".ods": SPREADSHEET}


def max_file_bytes() -> int:
    return int(getattr(settings, "ETL_MAX_FILE_BYTES", 1 << 30))


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "ETL_MAX_UNZIPPED_BYTES", 2 << 30))


# An archive that expands more than this is treated as a zip bomb, whatever its size.
MAX_COMPRESSION_RATIO = 200


# A path on this server inside a message (GDAL's name the files they read): only its last part is shown.
SERVER_FOLDERS = re.compile(r"(?<![\w.~:-])(?:[A-Za-z]:)?[/\\](?:[^/\\\s'\"]+[/\\])+")


class SourceError(Exception):
    """The file cannot be imported; the message says which file and why, naming files, never server folders."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = SERVER_FOLDERS.sub("", problem)
        super().__init__(f"{self.path.name}: {self.problem}")


@dataclass
class Batch:
    """A slice of the source: attributes, and geometries in the storage CRS as WKB."""

    offset: int
    attributes: pd.DataFrame
    wkb: pa.Array
    # Each feature's id in the file when a filter skips some (for a CSV: its line after the header), so that
    # a report still points at the right line; None when the batch holds every feature in order.
    fids: np.ndarray | None = None


@dataclass
class Source:
    path: Path  # the file as given (a zip stays a zip)
    dataset: Path  # the file GDAL reads (inside the extracted archive)
    layer: str | None
    driver: str
    geometry_type: str | None
    crs: pyproj.CRS | None
    fields: list[str]
    features: int
    encoding: str | None = None
    coordinates: tuple[str, str] | None = None  # lon/lat (or x/y) columns of a table
    wkt_column: str | None = None
    open_options: dict[str, str] = field(default_factory=dict)
    where: str | None = None
    geometry: bool = True  # False: a table for a layer without geometry, read without coordinates

    def batches(self, size: int = 50_000) -> Iterator[Batch]:
        """Stream the features, `size` at a time, reprojected to EPSG:4326."""
        transformer = None
        if self.crs is not None and not self.crs.equals(STORAGE_CRS, ignore_axis_order=True):
            transformer = pyproj.Transformer.from_crs(self.crs, STORAGE_CRS, always_xy=True)
        offset = 0
        try:
            with pyogrio.open_arrow(
                self.dataset,
                layer=self.layer,
                encoding=self.encoding,
                batch_size=size,
                where=self.where,
                return_fids=self.where is not None,
                use_pyarrow=True,
                **self.open_options,
            ) as (meta, reader):
                geometry_column = meta["geometry_name"] or "wkb_geometry"
                for record_batch in reader:
                    table = pa.Table.from_batches([record_batch])
                    fids = None
                    if self.where is not None:
                        fids = table.column(meta["fid_column"]).to_numpy()
                        table = table.drop_columns([meta["fid_column"]])
                    wkb = None
                    if geometry_column in table.column_names:
                        wkb = table.column(geometry_column).combine_chunks()
                        if not pa.types.is_binary(wkb.type):  # large binary, or a GeoArrow extension type
                            wkb = wkb.cast(pa.binary())
                        table = table.drop_columns([geometry_column])
                    attributes = table.to_pandas()
                    if self.driver == "CSV":
                        attributes = _spreadsheet_text(attributes)
                    if not self.geometry:
                        yield Batch(offset, attributes, pa.nulls(len(attributes), pa.binary()), fids)
                        offset += len(attributes)
                        continue
                    if wkb is not None and transformer is None and offset > 0:
                        # Already in the storage CRS: the WKB is checked as it came.
                        yield Batch(offset, attributes, wkb, fids)
                        offset += len(attributes)
                        continue
                    if wkb is not None:
                        geometries = shapely.from_wkb(wkb.to_numpy(zero_copy_only=False), on_invalid="ignore")
                    else:
                        geometries = self._table_geometries(attributes, offset)
                    if transformer is not None:
                        geometries = shapely.transform(geometries, transformer.transform, interleaved=False)
                    if offset == 0:
                        self._check_coordinates(geometries)
                    yield Batch(offset, attributes, pa.array(shapely.to_wkb(geometries), pa.binary()), fids)
                    offset += len(attributes)
        except (DataSourceError, DataLayerError, UnicodeDecodeError) as error:
            raise SourceError(
                self.path, gettext("cannot be read past feature %(n)s: %(error)s") % {"n": offset, "error": error}
            ) from error

    def _table_geometries(self, attributes: pd.DataFrame, offset: int) -> np.ndarray:
        if self.wkt_column:
            text = attributes.pop(self.wkt_column).astype("string").fillna("").to_numpy(dtype=object)
            return shapely.from_wkt(text, on_invalid="ignore")
        if self.coordinates is None:
            raise SourceError(self.path, gettext("has no geometry and no longitude/latitude or WKT column"))
        lon_name, lat_name = self.coordinates
        columns = []
        for name in (lon_name, lat_name):
            raw = attributes.pop(name)
            text = raw.astype("string").str.strip().str.replace(",", ".", regex=False)
            number = pd.to_numeric(text, errors="coerce")
            bad = number.isna() & text.fillna("").ne("")
            if bad.any():
                rows = ", ".join(str(offset + i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
                sample = raw[bad].iloc[0]
                problem = gettext(
                    "column '%(column)s' holds text where a coordinate is expected (%(sample)r, line %(lines)s)"
                )
                raise SourceError(self.path, problem % {"column": name, "sample": sample, "lines": rows})
            columns.append(number.to_numpy(dtype=float))
        lon, lat = columns
        points = shapely.points(lon, lat)
        points[np.isnan(lon) | np.isnan(lat)] = None
        return points

    def _check_coordinates(self, geometries: np.ndarray) -> None:
        present = geometries[~shapely.is_missing(geometries)]
        if present.size == 0:
            return
        xmin, ymin, xmax, ymax = shapely.bounds(present).T
        inside = (xmin >= -180) & (xmax <= 180) & (ymin >= -90) & (ymax <= 90)
        # Most of them outside: the CRS is wrong. A few: those rows are rejected, with their reason (etl.load).
        if inside.mean() < 0.5:
            raise SourceError(
                self.path,
                gettext(
                    "coordinates are not longitudes and latitudes after reprojection: "
                    "the declared CRS looks wrong (give the right one with --source-crs)"
                ),
            )


def _spreadsheet_text(attributes: pd.DataFrame) -> pd.DataFrame:
    """A CSV's text as typed: the apostrophe that keeps a formula-like cell text (gisportal.spreadsheets) taken off."""
    for name in attributes.columns:
        column = attributes[name]
        if pd.api.types.is_string_dtype(column) and column.str.startswith("'", na=False).any():
            attributes[name] = spreadsheets.restore_column(column)
    return attributes


def _megabytes(size: float) -> str:
    return number_format(size / 2**20, 0, force_grouping=True)


def _check_size(path: Path) -> None:
    if not path.exists():
        raise SourceError(path, gettext("no such file"))
    size = path.stat().st_size
    if size > max_file_bytes():
        sizes = {"size": _megabytes(size), "limit": _megabytes(max_file_bytes())}
        raise SourceError(path, gettext("is %(size)s MB, over the %(limit)s MB import limit") % sizes)
    if size == 0:
        raise SourceError(path, gettext("is empty"))


def _extract(path: Path, into: Path) -> None:
    """Unpack an archive, refusing truncated archives, zip bombs and paths that escape the folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            expanded = sum(m.file_size for m in members)
            compressed = max(1, sum(m.compress_size for m in members))
            if expanded > max_unzipped_bytes() or (
                expanded > 10 << 20 and expanded / compressed > MAX_COMPRESSION_RATIO
            ):
                problem = gettext("expands to %(size)s MB (%(ratio)s times its size): refused as a possible zip bomb")
                ratio = number_format(expanded / compressed, 0, force_grouping=True)
                raise SourceError(path, problem % {"size": _megabytes(expanded), "ratio": ratio})
            for member in members:
                target = (into / member.filename).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise SourceError(
                        path, gettext("holds a file outside the archive folder: %(name)s") % {"name": member.filename}
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as packed, open(target, "wb") as unpacked:
                    # Counted while writing: the sizes in the directory can lie.
                    written = 0
                    while chunk := packed.read(1 << 20):
                        written += len(chunk)
                        if written > member.file_size or written > max_unzipped_bytes():
                            raise SourceError(
                                path, gettext("expands beyond its declared size: refused as a possible zip bomb")
                            )
                        unpacked.write(chunk)
    except (zipfile.BadZipFile, EOFError) as error:
        raise SourceError(
            path, gettext("is not a complete zip archive (truncated or corrupt: %(error)s)") % {"error": error}
        ) from error


def _dataset_in(path: Path, folder: Path) -> Path:
    candidates = sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in VECTOR_SUFFIXES | TABLE_SUFFIXES and p.is_file()
    )
    candidates = [p for p in candidates if "__MACOSX" not in p.parts]
    if not candidates:
        raise SourceError(path, gettext("holds no file in a known format (.shp, .gpkg, .geojson, .kml, .csv, .xlsx)"))
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise SourceError(path, gettext("holds several datasets (%(names)s): put one per archive") % {"names": names})
    return candidates[0]


def _check_shapefile(path: Path, shown: Path) -> None:
    siblings = {p.suffix.lower(): p for p in path.parent.glob(path.stem + ".*")}
    missing = [suffix for suffix in SHAPEFILE_PARTS if suffix not in siblings]
    if missing:
        problem = gettext("the shapefile %(name)s comes without its %(parts)s file")
        raise SourceError(shown, problem % {"name": path.name, "parts": " + ".join(missing)})


def _check_json(path: Path, shown: Path) -> None:
    # Whole-file validation only while that stays cheap; GDAL reports later damage in bigger files.
    try:
        if path.stat().st_size <= 64 << 20:
            with open(path, "rb") as handle:
                json.load(handle)
        else:
            with open(path, "rb") as handle:
                if handle.read(4096).lstrip()[:1] != b"{":
                    raise ValueError("it does not start with '{'")
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceError(shown, gettext("is not valid JSON (%(error)s)") % {"error": error}) from error


def _choose_layer(path: Path, dataset: Path, layer: str | None) -> str | None:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(dataset)]
    except DataSourceError as error:
        raise SourceError(
            path, gettext("is not in a format this portal reads (%(error)s)") % {"error": error}
        ) from error
    if layer is not None:
        if layer not in layers:
            problem = gettext("has no layer '%(layer)s' (layers: %(layers)s)")
            raise SourceError(path, problem % {"layer": layer, "layers": ", ".join(layers)})
        return layer
    if len(layers) > 1:
        problem = gettext("holds several layers; choose one with --source-layer (%(layers)s)")
        raise SourceError(path, problem % {"layers": ", ".join(layers)})
    return layers[0] if layers else None


def _parse_crs(path: Path, text: str | int | None) -> pyproj.CRS | None:
    if not text:
        return None
    try:
        return pyproj.CRS.from_user_input(int(text) if str(text).isdigit() else text)
    except pyproj.exceptions.CRSError as error:
        raise SourceError(path, gettext("unknown coordinate reference system %(crs)r") % {"crs": text}) from error


def _find(names: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {name.lower(): name for name in names}
    return next((lowered[w] for w in wanted if w in lowered), None)


@contextmanager
def open_source(
    path: Path | str,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    source_crs: str | int | None = None,
    where: str | None = None,
    geometry: bool = True,
) -> Iterator[Source]:
    """Check and open a file (archives are unpacked into a temporary folder removed afterwards).

    With geometry=False the file is read as a table (for a layer without geometry): no coordinates needed.
    """
    path = Path(path)
    _check_size(path)
    workdir = Path(tempfile.mkdtemp(prefix="gisportal-import-"))
    try:
        dataset = path
        if path.suffix.lower() in ARCHIVE_SUFFIXES:
            _extract(path, workdir)
            dataset = _dataset_in(path, workdir)
        suffix = dataset.suffix.lower()
        if suffix not in VECTOR_SUFFIXES | TABLE_SUFFIXES:
            raise SourceError(path, gettext("has an unsupported extension '%(suffix)s'") % {"suffix": suffix})
        if suffix == ".shp":
            _check_shapefile(dataset, path)
        if suffix in {".geojson", ".json"}:
            _check_json(dataset, path)
        chosen = _choose_layer(path, dataset, layer)
        source = _describe(path, dataset, chosen, encoding, _parse_crs(path, source_crs), geometry)
        source.where = where
        yield source
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _describe(
    path: Path, dataset: Path, layer: str | None, encoding: str | None, given: pyproj.CRS | None, geometry: bool
) -> Source:
    options = dict(OPEN_OPTIONS.get(dataset.suffix.lower(), {}))
    try:
        info = pyogrio.read_info(dataset, layer=layer, encoding=encoding, force_feature_count=True, **options)
    except (DataSourceError, DataLayerError) as error:
        raise SourceError(path, gettext("cannot be opened (%(error)s)") % {"error": error}) from error
    fields = [str(name) for name in info["fields"]]
    source = Source(
        path=path,
        dataset=dataset,
        layer=layer,
        driver=info["driver"],
        geometry_type=info["geometry_type"],
        crs=None,
        fields=fields,
        features=int(info["features"]),
        encoding=encoding,
        open_options=options,
        geometry=geometry,
    )
    if not geometry:
        return source
    declared = _parse_crs(path, info["crs"]) if info["crs"] else None
    if source.geometry_type is None:
        # A table: geometry from coordinate or WKT columns.
        lon, lat = _find(fields, LON_NAMES), _find(fields, LAT_NAMES)
        x, y = _find(fields, X_NAMES), _find(fields, Y_NAMES)
        source.wkt_column = _find(fields, WKT_NAMES)
        if lon and lat:
            source.coordinates = (lon, lat)
            declared = declared or STORAGE_CRS  # named longitude/latitude: WGS 84 by definition
        elif x and y:
            source.coordinates = (x, y)
        elif not source.wkt_column:
            raise SourceError(path, gettext("has no geometry: expected lon/lat, x/y or WKT columns"))
        source.fields = [f for f in fields if f not in (source.coordinates or ()) and f != source.wkt_column]
    source.crs = given or declared
    if source.crs is None:
        raise SourceError(
            path, gettext("has no coordinate reference system (.prj or CRS); give one with --source-crs EPSG")
        )
    return source
