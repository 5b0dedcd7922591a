"""The checks an imported row passes before it is stored, on whole batches in the client with GEOS (shapely, the
ETL's own stack) while the database writes the batch before: the geometry as it will be stored and its repair,
the references by their codes, the municipality a feature lies in. The one set of rules every import applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.db import connection
from django.utils.translation import gettext

from etl.targets import DIMENSION, FAMILIES, Target
from layers.rules import LATITUDES, LONGITUDES, SRID

(WEST, EAST), (SOUTH, NORTH) = LONGITUDES, LATITUDES
# GEOS type ids (shapely.get_type_id) by the names PostGIS's GeometryType gives them.
TYPE_NAMES = np.array(
    ["POINT", "LINESTRING", "LINEARRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
     "GEOMETRYCOLLECTION"]
)  # fmt: skip
TYPE_IDS = {name: number for number, name in enumerate(TYPE_NAMES)}
MULTI = {"MULTILINESTRING": shapely.multilinestrings, "MULTIPOLYGON": shapely.multipolygons}
# The part kind ST_CollectionExtract keeps, by its dimension.
PART_TYPE = {1: TYPE_IDS["POINT"], 2: TYPE_IDS["LINESTRING"], 3: TYPE_IDS["POLYGON"]}
# A 2D little-endian WKB point (byte order, type, x, y), and the same point as EWKB with its SRID.
WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
EWKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])
EWKB_SRID_FLAG = 0x20000000
# Each byte's two hex digits, as one 16-bit number in memory order.
HEX_PAIRS = np.array([int.from_bytes(f"{b:02x}".encode(), "little") for b in range(256)], dtype="<u2")
Reason = str | Callable[[np.ndarray], list[str]]


@dataclass
class Checked:
    """A batch as it will be stored: each row's geometry (hex EWKB), the ids its codes name, and why it is refused."""

    geometry: pa.Array
    ids: dict[str, pa.Array]  # a reference (the municipality too) by field name: the referenced row's id
    reasons: np.ndarray  # object: the first rule the row breaks, None where it passes
    passing: np.ndarray  # bool: no rule refuses the row
    repaired: np.ndarray  # bool: the geometry was invalid and made valid
    ambiguous: np.ndarray  # bool: inside two municipalities' boundaries, where municipality_at() decides (SQL)
    shape: np.ndarray | None  # int64: the same for two rows with the same geometry as given (None: a table)


class Checker:
    """Checks batches for one target; reads the codes and boundaries it needs once."""

    def __init__(self, target: Target, fields: list[str], municipality_id: int | None) -> None:
        self.target, self.fields, self.municipality_id = target, fields, municipality_id
        self.codes: dict[str, Codes] = {}
        with connection.cursor() as cursor:
            for name, code_field in target.references.items():
                if name in fields and not (name == "municipality" and target.municipality_scoped):
                    related = target.fields[name].related_model._meta.db_table  # type: ignore[union-attr]
                    cursor.execute(f"SELECT {code_field}::text, id FROM {related}")  # noqa: S608 (model metadata)
                    self.codes[name] = Codes(cursor.fetchall())
            self.boundaries: dict[int, shapely.Geometry] = {}
            if target.municipality_scoped:
                cursor.execute("SELECT code, id, ST_AsBinary(boundary) FROM layers_municipality")
                municipalities = cursor.fetchall()
                self.municipality_codes = Codes([(code, pk) for code, pk, _ in municipalities])
                self.boundaries = {pk: shapely.from_wkb(bytes(boundary)) for _, pk, boundary in municipalities}
        # The fields whose codes become ids.
        self.identified = set(self.codes) | ({"municipality"} if target.municipality_scoped else set())
        shapely.prepare(list(self.boundaries.values()))  # each point is tested against an indexed boundary
        self.boxes = [(pk, shapely.bounds(b)) for pk, b in self.boundaries.items()]

    def check(self, wkb: pa.Array, values: dict[str, pa.Array], reasons: np.ndarray) -> Checked:
        """The batch's rows checked (`values` by field, as mapped), in the order a row is refused for: the
        mapping's reason, its geometry, its references, its municipality."""
        rows = len(wkb)
        refuse = Refusals(reasons.copy())
        kind = self.target.geometry_type
        repaired = np.zeros(rows, dtype=bool)
        ambiguous = np.zeros(rows, dtype=bool)
        shape = None
        if kind is None:  # a table: no geometry to check
            geometry, x, y, shapes = pa.nulls(rows, pa.string()), None, None, None
        elif kind == "POINT":
            geometry, x, y = self._points(wkb, refuse)
            shapes = None
            shape = (x.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ y.view(np.uint64)).view(np.int64)
        else:
            geometry, shapes, repaired = self._shapes(wkb, refuse)
            x = y = None
            shape = pd.util.hash_array(_objects(wkb), categorize=False).view(np.int64)
        ids = {}
        for name, codes in self.codes.items():
            found = codes.ids_of(values[name])
            unknown = gettext("unknown %(field)s %(value)s") % {"field": name, "value": "%(value)s"}
            refuse(found == 0, _each(unknown, "value", values[name]))
            ids[name] = pa.array(found, pa.int64(), mask=found == 0)
        if self.target.municipality_scoped:
            if shapes is not None:  # a line or polygon: the municipality holds a point on its surface
                checked = refuse.passing
                x, y = np.full(rows, np.nan), np.full(rows, np.nan)
                x[checked], y[checked] = shapely.get_coordinates(shapely.point_on_surface(shapes[checked])).T
            assert x is not None and y is not None
            ids["municipality"], ambiguous = self._municipality(values, shapes, x, y, refuse)
        passing = refuse.passing
        return Checked(geometry, ids, refuse.reasons, passing, repaired & passing, ambiguous, shape)

    # -- geometry ----------------------------------------------------------------------------------

    def _points(self, wkb: pa.Array, refuse: Refusals) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """Points as stored (a one-point MultiPoint is that point, 2D) and their coordinates."""
        plain = _plain_points(wkb)
        if plain is not None:  # every row a 2D point: its coordinates read off the WKB
            x, y = plain
            refuse(np.isnan(x) & np.isnan(y), gettext("empty geometry"))
        else:
            shapes = shapely.from_wkb(_objects(wkb), on_invalid="ignore")
            types = shapely.get_type_id(shapes)
            refuse(shapely.is_missing(shapes) | shapely.is_empty(shapes), gettext("empty geometry"))
            self._refuse_families(types, refuse)
            one = (types == TYPE_IDS["MULTIPOINT"]) & (shapely.get_num_geometries(shapes) == 1)
            point = np.where(one, shapely.get_geometry(shapes, 0), np.where(types == 0, shapes, None))  # type: ignore[call-overload]
            stored = ~shapely.is_missing(point) & ~shapely.is_empty(point)
            x, y = np.full(len(wkb), np.nan), np.full(len(wkb), np.nan)
            x[stored], y[stored] = shapely.get_x(point[stored]), shapely.get_y(point[stored])
            refuse(~stored, gettext("geometry empty after repair"))
        refuse(~_inside(x, y, x, y), _out_of_range())  # the point as it will be stored
        return _ewkb_points(x, y, refuse.passing), x, y

    def _shapes(self, wkb: pa.Array, refuse: Refusals) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """Lines or polygons made valid where they are not, as Multi of the layer's kind (parts of another
        dimension that a repair leaves, dropped), and whether each needed repair."""
        kind = self.target.geometry_type
        assert kind is not None
        shapes = shapely.from_wkb(_objects(wkb), on_invalid="ignore")
        refuse(shapely.is_missing(shapes) | shapely.is_empty(shapes), gettext("empty geometry"))
        types = shapely.get_type_id(shapes)
        self._refuse_families(types, refuse)
        # The box of the shape as given (a NaN vertex is an invalid coordinate the repair takes out).
        west, south, east, north = shapely.bounds(shapes).T
        refuse(~_inside(west, south, east, north), _out_of_range())
        checked = refuse.passing
        flat = np.full(len(shapes), None, dtype=object)
        flat[checked] = shapely.force_2d(shapes[checked])
        repaired = np.zeros(len(shapes), dtype=bool)
        repaired[checked] = ~shapely.is_valid(flat[checked])
        flat[repaired] = shapely.make_valid(flat[repaired])
        stored = _extract(flat, DIMENSION[kind], MULTI[kind])
        refuse(shapely.is_missing(stored) | shapely.is_empty(stored), gettext("geometry empty after repair"))
        keep = refuse.passing
        stored = np.where(keep, stored, None)  # type: ignore[call-overload]
        text = shapely.to_wkb(shapely.set_srid(stored, SRID), hex=True, include_srid=True)
        return pa.array(text, pa.string(), from_pandas=True), stored, repaired

    def _refuse_families(self, types: np.ndarray, refuse: Refusals) -> None:
        assert self.target.geometry_type is not None
        allowed = [TYPE_IDS[f.upper()] for f in FAMILIES[self.target.geometry_type]]
        wrong = (types >= 0) & ~np.isin(types, allowed)
        refuse(wrong, _each(gettext("wrong geometry type %(type)s"), "type", TYPE_NAMES[np.clip(types, 0, None)]))

    # -- municipality ------------------------------------------------------------------------------

    def _municipality(
        self, values: dict[str, pa.Array], shapes: np.ndarray | None, x: np.ndarray, y: np.ndarray, refuse: Refusals
    ) -> tuple[pa.Array, np.ndarray]:
        """Each row's municipality (an id): the one given (checked against its boundary) or the one whose boundary
        holds it; rows inside two boundaries are marked, for municipality_at() to decide."""
        rows = len(x)
        found = np.zeros(rows, dtype=np.int64)
        ambiguous = np.zeros(rows, dtype=bool)
        checked = refuse.passing
        if self.municipality_id is not None or "municipality" in self.fields:
            if self.municipality_id is not None:
                found[:] = self.municipality_id
                outside: Reason = gettext("outside the municipality")
            else:
                given = values["municipality"]
                found = self.municipality_codes.ids_of(given)
                refuse(found == 0, _each(gettext("unknown municipality %(code)s"), "code", given))
                outside = _each(gettext("outside municipality %(code)s"), "code", given)
            checked = np.flatnonzero(refuse.passing)
            inside = np.zeros(rows, dtype=bool)
            # The rows grouped by municipality: each group tested against its boundary at once.
            grouped = checked[np.argsort(found[checked], kind="stable")]
            starts = np.flatnonzero(np.diff(found[grouped], prepend=-1))
            for these in np.split(grouped, starts[1:]):
                if not len(these):
                    continue
                boundary = self.boundaries[int(found[these[0]])]
                if shapes is None:
                    inside[these] = shapely.intersects_xy(boundary, x[these], y[these])
                else:
                    inside[these] = shapely.intersects(boundary, shapes[these])
            refuse(~inside, outside)
        else:
            count = np.zeros(rows, dtype=np.int64)
            candidates = np.flatnonzero(checked)
            order = candidates[np.argsort(x[candidates], kind="stable")]
            xs = x[order]
            for pk, (west, south, east, north) in self.boxes:
                low, high = np.searchsorted(xs, west, "left"), np.searchsorted(xs, east, "right")
                near = order[low:high]
                near = near[(y[near] >= south) & (y[near] <= north)]
                inside = near[shapely.intersects_xy(self.boundaries[pk], x[near], y[near])]
                found[inside[count[inside] == 0]] = pk
                count[inside] += 1
            ambiguous = count > 1
            refuse(checked & (count == 0), gettext("outside every municipality"))
        passing = refuse.passing
        return pa.array(found, pa.int64(), mask=~passing), ambiguous & passing


class Codes:
    """A referenced layer's codes and the ids they name, looked up a whole column at once."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        self.codes = pa.array([code for code, _ in pairs], pa.string())
        self.ids = np.array([0] + [pk for _, pk in pairs], dtype=np.int64)  # 0: no such code

    def ids_of(self, given: pa.Array) -> np.ndarray:
        """The id each code names, 0 where none does (ids start at 1)."""
        at = pc.fill_null(pc.add(pc.index_in(given, value_set=self.codes), 1), 0)
        return self.ids[at.to_numpy()]


class Refusals:
    """Each row's reason to be refused: the first rule it breaks (None while it breaks none)."""

    def __init__(self, reasons: np.ndarray) -> None:
        self.reasons = reasons
        self._passing = pd.isna(reasons)

    @property
    def passing(self) -> np.ndarray:
        """The rows no rule has refused yet (a copy: later refusals leave it as it was)."""
        return self._passing.copy()

    def __call__(self, where: np.ndarray, reason: Reason) -> None:
        """Refuse the rows `where` says that pass so far, for `reason`: one text, or one per row of those it is
        given (formatted for the refused rows alone)."""
        where = where & self._passing
        if where.any():
            self.reasons[where] = reason if isinstance(reason, str) else reason(np.flatnonzero(where))
            self._passing &= ~where


def _each(template: str, key: str, values: np.ndarray | pa.Array) -> Reason:
    """`template` said of each refused row, its %(key)s the row's value."""
    if isinstance(values, pa.Array):
        return lambda rows: [template % {key: _shown(v)} for v in values.take(pa.array(rows)).to_pylist()]
    return lambda rows: [template % {key: _shown(values[r])} for r in rows]


def _shown(value: object) -> str:
    return gettext("(empty)") if value is None or value is pd.NA or value != value else str(value)


def _out_of_range() -> str:
    return gettext("coordinates outside longitudes %(west)s to %(east)s and latitudes %(south)s to %(north)s") % {
        "west": WEST,
        "east": EAST,
        "south": SOUTH,
        "north": NORTH,
    }


def _inside(west: np.ndarray, south: np.ndarray, east: np.ndarray, north: np.ndarray) -> np.ndarray:
    """Boxes (or points) within longitudes and latitudes; NaN is outside."""
    with np.errstate(invalid="ignore"):
        return (west >= WEST) & (east <= EAST) & (south >= SOUTH) & (north <= NORTH)


def _objects(wkb: pa.Array) -> np.ndarray:
    return wkb.to_numpy(zero_copy_only=False)


def _plain_points(wkb: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The coordinates of a batch of 2D little-endian WKB points, read off its buffer; None for any other batch."""
    if wkb.null_count or not len(wkb) or not pa.types.is_binary(wkb.type):
        return None
    _, offsets_buffer, data_buffer = wkb.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[wkb.offset : wkb.offset + len(wkb) + 1]
    if offsets[-1] - offsets[0] != WKB_POINT.itemsize * len(wkb):
        return None
    records = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]].view(WKB_POINT)
    if not ((records["order"] == 1) & (records["type"] == 1)).all():
        return None
    return records["x"].copy(), records["y"].copy()


def _ewkb_points(x: np.ndarray, y: np.ndarray, keep: np.ndarray) -> pa.Array:
    """Points as hex EWKB with the storage SRID, built in one buffer (null where not `keep`)."""
    records = np.zeros(len(x), dtype=EWKB_POINT)
    records["order"], records["type"], records["srid"] = 1, 1 | EWKB_SRID_FLAG, SRID
    records["x"], records["y"] = x, y
    text = HEX_PAIRS[records.view(np.uint8)]  # each byte its two hex digits, in one buffer
    width = EWKB_POINT.itemsize * 2
    offsets = np.arange(len(x) + 1, dtype=np.int32) * width
    valid = pa.array(keep, pa.bool_())
    return pa.StringArray.from_buffers(
        len(x), pa.py_buffer(offsets), pa.py_buffer(text), valid.buffers()[1], int((~keep).sum())
    )


def _extract(shapes: np.ndarray, dimension: int, multi: Callable[..., np.ndarray]) -> np.ndarray:
    """ST_Multi(ST_CollectionExtract(shape, dimension)): the parts of that dimension, as one Multi per row."""
    parts, index = shapely.get_parts(shapes, return_index=True)
    while True:  # a repair may nest collections
        nested = np.isin(shapely.get_type_id(parts), [TYPE_IDS[t] for t in TYPE_NAMES[4:]])  # Multi…, collections
        if not nested.any():
            break
        inner, at = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][at]])
    wanted = (shapely.get_type_id(parts) == PART_TYPE[dimension]) & ~shapely.is_empty(parts)
    parts, index = parts[wanted], index[wanted]
    order = np.argsort(index, kind="stable")
    out = np.full(len(shapes), None, dtype=object)
    if len(parts):
        multi(parts[order], indices=index[order], out=out)
    return out
