"""Vector tiles built by PostGIS (ST_AsMVT), scoped like every other read, cached until the layer changes.

The tile envelope is transformed to the layer's SRID (4326), so the `&&` filter uses the layer's GiST
index; only the geometries inside it are projected to Web Mercator. Point layers become grid counts
below their `cluster_below` zoom: a map needs a density there, not 100,000 single points.
"""

import functools
import hashlib
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import EmptyResultSet

from gisportal.accounts import roles
from gisportal.api.collections import COLLECTIONS, Collection
from gisportal.db import reading_connection
from gisportal.paths import VAR_DIR
from layers import selectors
from layers.selectors import Scope

EXTENT = 4096  # MVT coordinate units per tile side
BUFFER = 64  # units drawn beyond the edge so that symbols are not cut between tiles
GRID_CELLS = 64  # cells per tile side when points are counted instead of drawn
CACHE_SECONDS = 24 * 3600  # a safety net: edits invalidate at once, bulk SQL loads within a day


@functools.cache
def _cache_in(folder: str) -> FileBasedCache:
    return FileBasedCache(folder, {"TIMEOUT": CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 100_000}})


def _cache() -> FileBasedCache:
    """Files shared by every gunicorn worker (a local-memory cache would miss other workers' invalidations)."""
    return _cache_in(str(getattr(settings, "TILE_CACHE_DIR", VAR_DIR / "cache" / "tiles")))


@dataclass(frozen=True)
class Tile:
    data: bytes
    etag: str


def layer_version(collection_id: str) -> str:
    """A random token replaced whenever the layer changes: part of every tile's cache key."""
    version = _cache().get(f"version:{collection_id}")
    if version is None:
        version = uuid.uuid4().hex
        _cache().add(f"version:{collection_id}", version, timeout=None)
        version = _cache().get(f"version:{collection_id}", version)
    return version


def layer_changed(collection_id: str) -> None:
    """Drops every cached tile of a layer (called on save and delete; call it after bulk SQL loads)."""
    _cache().set(f"version:{collection_id}", uuid.uuid4().hex, timeout=None)


def model_changed(model: type) -> None:
    """Drops the cached tiles of every collection drawn from `model` (after a save, a delete or an import)."""
    for collection in COLLECTIONS.values():
        if collection.model is model:
            layer_changed(collection.id)


def clear_cache() -> None:
    _cache().clear()


def _scope_key(collection: Collection, user: roles.User) -> str:
    extent = selectors.scope(collection.model, user)
    if extent is Scope.OWN_MUNICIPALITIES:
        return "m" + "-".join(map(str, sorted(roles.municipality_ids(user))))
    return extent.value


def tile_sql(collection: Collection, user: roles.User, z: int, x: int, y: int) -> tuple[str, tuple] | None:
    """The single query that builds one tile, or None when the user's scope is empty."""
    geometry = collection.geometry
    columns = ("pk", geometry, *collection.tile_properties)
    try:
        readable = collection.readable(selectors.visible(collection.model, user))
        sql, params = readable.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:
        return None
    envelope = "ST_TileEnvelope(%s, %s, %s)"
    # The envelope with its buffer, in the layer's SRID, so that `&&` runs on the layer's GiST index.
    search = f"ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => {BUFFER / EXTENT}), {collection.model_srid})"
    if collection.cluster_below is not None and z < collection.cluster_below:
        # Counted on a grid in degrees (no per-point projection); only the cell centres go to Web Mercator.
        width = 360 / 2**z / GRID_CELLS
        latitude = math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / 2**z)))
        height = width * math.cos(latitude)  # cells about square on the map
        query = f"""
            SELECT ST_AsMVT(cells, %s, {EXTENT}, 'geom') FROM (
                SELECT g.count,
                       ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(g.x, g.y), {collection.model_srid}), 3857),
                                    {envelope}, {EXTENT}, {BUFFER}, true) AS geom
                FROM (SELECT count(*) AS count, avg(ST_X(f.{geometry})) AS x, avg(ST_Y(f.{geometry})) AS y
                      FROM ({sql}) AS f
                      WHERE f.{geometry} && {search}
                      GROUP BY floor(ST_X(f.{geometry}) / %s), floor(ST_Y(f.{geometry}) / %s)) AS g
            ) AS cells WHERE cells.geom IS NOT NULL
        """  # noqa: S608 (Django's SQL; every value is a parameter)
        return query, (collection.id, z, x, y, *params, z, x, y, width, height)
    properties = "".join(f", f.{name}" for name in collection.tile_properties)
    query = f"""
        SELECT ST_AsMVT(features, %s, {EXTENT}, 'geom', 'id') FROM (
            SELECT f.pk AS id,
                   ST_AsMVTGeom(ST_Transform(f.{geometry}, 3857), {envelope}, {EXTENT}, {BUFFER}, true) AS geom
                   {properties}
            FROM ({sql}) AS f
            WHERE f.{geometry} && {search}
        ) AS features WHERE features.geom IS NOT NULL
    """  # noqa: S608
    return query, (collection.id, z, x, y, *params, z, x, y)


def render_tile(collection: Collection, user: roles.User, z: int, x: int, y: int) -> bytes:
    built = tile_sql(collection, user, z, x, y)
    if built is None:
        return b""
    with reading_connection().cursor() as cursor:
        cursor.execute(*built)
        (data,) = cursor.fetchone()
    return bytes(data or b"")


class NoSuchTile(LookupError):
    """A tile address beyond the layer's deepest zoom or outside its zoom's grid."""


def check_address(collection: Collection, z: int, x: int, y: int) -> None:
    """Refuses an address before anything is computed from it (2**z of a 20-digit z never finishes)."""
    if not 0 <= z <= collection.max_zoom:
        raise NoSuchTile(f"No tile at zoom {z}: {collection.id} has zooms 0 to {collection.max_zoom}.")
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise NoSuchTile(f"No tile {z}/{x}/{y}: x and y go from 0 to {2**z - 1} at zoom {z}.")


def tile(collection: Collection, user: roles.User, z: int, x: int, y: int) -> Tile:
    """A tile from the cache, or built and cached; an empty one below the layer's first zoom."""
    check_address(collection, z, x, y)
    if z < collection.min_zoom:
        return Tile(b"", '"empty"')
    key = f"{collection.id}:{layer_version(collection.id)}:{_scope_key(collection, user)}:{z}:{x}:{y}"
    cached = _cache().get(key)
    if cached is None:
        data = render_tile(collection, user, z, x, y)
        cached = (data, '"' + hashlib.sha256(key.encode() + data).hexdigest()[:32] + '"')
        _cache().set(key, cached)
    return Tile(*cached)
