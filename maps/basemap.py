"""The portal's own basemap: public vector tiles of boundaries, place names and streets, built by PostGIS.

One ST_AsMVT query per tile, three layers: `boundaries` (the outlines of governorates, municipalities and
districts, as lines), `roads` (the imported OpenStreetMap network, by class) and `labels` (points with `name_fr`,
`name_ar`, `kind` and `rank`: the page picks the name of its language and draws the most important first).
Only public tables are read, never complaints, so one tile serves everyone: it is cached in files shared by
every worker, under the data versions of those tables (etl's DataVersion, moved by a trigger on each).
"""

import functools
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.urls import reverse

from gisportal.db import reading_connection
from gisportal.paths import VAR_DIR
from maps.selectors import folded

MIN_ZOOM, MAX_ZOOM = 5, 18
EXTENT = 4096  # MVT units per tile side
BUFFER = 64  # units drawn beyond the edge, so that lines join between tiles
CACHE_SECONDS = 7 * 24 * 3600  # a safety net: a change of the data changes the key at once
TABLES = ["complaints_place", "etl_roadsegment", "layers_district", "layers_governorate", "layers_municipality"]
# From which zoom each road class is drawn (OSM highway=*, `_link` roads with their class); others from 16.
ROAD_ZOOMS = {
    "motorway": 7,
    "trunk": 7,
    "primary": 9,
    "secondary": 11,
    "tertiary": 12,
    "unclassified": 13,
    "residential": 14,
    "living_street": 14,
    "pedestrian": 15,
    "service": 15,
    "track": 15,
}
ROAD_NAMES_FROM = 15  # street names ride along the roads from this zoom
GOVERNORATES_BELOW = 9  # governorate outlines and names below this zoom, municipalities' from it
MUNICIPALITY_OUTLINES_FROM = 8
MUNICIPALITY_NAMES = (9, 13)  # first and last zoom of the municipalities' names
DISTRICTS_FROM = 12  # outlines; their names one zoom later
# Places of the gazetteer (GeoNames): the zoom each appears from is their rank (capitals first).
PLACE_ZOOM = """CASE WHEN p.feature_code IN ('PPLC', 'PPLA') OR p.population >= 50000 THEN 7
                     WHEN p.feature_code = 'PPLA2' OR p.population >= 5000 THEN 9
                     WHEN p.feature_code IN ('PPL', 'PPLA3', 'PPLA4') THEN 11
                     ELSE 13 END"""


class NoSuchTile(LookupError):
    """A tile address outside the basemap's zooms or its zoom's grid."""


@dataclass(frozen=True)
class Tile:
    data: bytes
    etag: str


def url_template() -> str:
    """`/basemap/{z}/{x}/{y}.pbf`, as Leaflet wants it."""
    return reverse("basemap", kwargs={"z": 0, "x": 0, "y": 0}).removesuffix("0/0/0.pbf") + "{z}/{x}/{y}.pbf"


def check_address(z: int, x: int, y: int) -> None:
    """Refuses an address before anything is computed from it (2**z of a 20-digit z never finishes)."""
    if not 0 <= z <= MAX_ZOOM:
        raise NoSuchTile(f"No basemap tile at zoom {z}: zooms 0 to {MAX_ZOOM}.")
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise NoSuchTile(f"No tile {z}/{x}/{y}: x and y go from 0 to {2**z - 1} at zoom {z}.")


def _geom(expression: str, *, buffer: int = BUFFER) -> str:
    return f"ST_AsMVTGeom(ST_Transform({expression}, 3857), b.tile, {EXTENT}, {buffer}, true)"


def _outline(alias: str) -> str:
    # A line, not a polygon: a polygon cut at the tile's edge would be drawn with the cut as a border.
    # Simplified to about half a pixel first: a coastline at zoom 6 needs a few hundred points, not thousands.
    return _geom(f"ST_Boundary(ST_Simplify({alias}.boundary, b.pixel / 2, true))")


def town_of(column: str) -> str:
    """The municipality `m`'s own town, the gazetteer place of its name, where its name is written."""
    return f"""(SELECT town.{column} FROM complaints_place town
                 WHERE town.location && m.boundary AND ST_Intersects(town.location, m.boundary)
                   AND ({folded("town.asciiname")} = {folded("m.name_fr")}
                        OR {folded("town.name")} = {folded("m.name_fr")}
                        OR (town.name_ar <> '' AND {folded("town.name_ar")} = {folded("m.name_ar")}))
                 ORDER BY town.population DESC, town.id LIMIT 1)"""  # noqa: S608 (column names from this module)


TILE_SQL = f"""
WITH b AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile,
           -- the tile and its buffer in the tables' SRID, so that `&&` runs on their GiST indexes
           ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}), 4326) AS search,
           360.0 / (256 * 2 ^ %(z)s) AS pixel
)
SELECT coalesce((
    SELECT ST_AsMVT(t, 'boundaries', {EXTENT}, 'geom') FROM (
        SELECT 'governorate' AS kind, {_outline("g")} AS geom
          FROM layers_governorate g, b WHERE %(z)s < {GOVERNORATES_BELOW} AND g.boundary && b.search
        UNION ALL
        SELECT 'municipality', {_outline("m")}
          FROM layers_municipality m, b WHERE %(z)s >= {MUNICIPALITY_OUTLINES_FROM} AND m.boundary && b.search
        UNION ALL
        SELECT 'district', {_outline("d")}
          FROM layers_district d, b WHERE %(z)s >= {DISTRICTS_FROM} AND d.boundary && b.search
    ) t WHERE t.geom IS NOT NULL), '') || coalesce((
    SELECT ST_AsMVT(t, 'roads', {EXTENT}, 'geom') FROM (
        SELECT r.highway AS class, CASE WHEN %(z)s >= {ROAD_NAMES_FROM} THEN nullif(r.name, '') END AS name,
               {_geom("r.path")} AS geom
          FROM etl_roadsegment r, b
         WHERE r.path && b.search
           AND %(z)s >= coalesce((%(road_zooms)s::jsonb ->> regexp_replace(r.highway, '_link$', ''))::int, 16)
    ) t WHERE t.geom IS NOT NULL), '') || coalesce((
    SELECT ST_AsMVT(t, 'labels', {EXTENT}, 'geom') FROM (
        SELECT kind, name_fr, name_ar, rank, geom FROM (
            -- no buffer: each name is written by one tile only
            SELECT 'governorate' AS kind, g.name_fr, g.name_ar, 1 AS rank, 0 AS population,
                   {_geom("ST_PointOnSurface(g.boundary)", buffer=0)} AS geom
              FROM layers_governorate g, b
             WHERE %(z)s BETWEEN 6 AND {GOVERNORATES_BELOW - 1} AND g.boundary && b.search
            UNION ALL
            SELECT 'municipality', m.name_fr, m.name_ar, 2, coalesce(m.population, 0),
                   {_geom(f"coalesce({town_of('location')}, ST_PointOnSurface(m.boundary))", buffer=0)}
              FROM layers_municipality m, b
             WHERE %(z)s BETWEEN {MUNICIPALITY_NAMES[0]} AND {MUNICIPALITY_NAMES[1]} AND m.boundary && b.search
            UNION ALL
            SELECT 'place', p.name, p.name_ar, 3, p.population, {_geom("p.location", buffer=0)}
              FROM complaints_place p, b
             WHERE p.location && b.search AND %(z)s >= {PLACE_ZOOM}
               -- a town already named as its municipality is not named twice
               AND NOT (%(z)s BETWEEN {MUNICIPALITY_NAMES[0]} AND {MUNICIPALITY_NAMES[1]} AND EXISTS (
                   SELECT 1 FROM layers_municipality m
                    WHERE m.boundary && p.location AND ST_Intersects(m.boundary, p.location)
                      AND {town_of("id")} = p.id))
            UNION ALL
            SELECT 'district', d.name, d.name_ar, 4, coalesce(d.population, 0),
                   {_geom("ST_PointOnSurface(d.boundary)", buffer=0)}
              FROM layers_district d, b WHERE %(z)s > {DISTRICTS_FROM} AND d.boundary && b.search
        ) named ORDER BY rank, population DESC
    ) t WHERE t.geom IS NOT NULL), '')
"""  # noqa: S608 (constants only; every value is a parameter)


def render_tile(z: int, x: int, y: int) -> bytes:
    with reading_connection().cursor() as cursor:
        cursor.execute(TILE_SQL, {"z": z, "x": x, "y": y, "road_zooms": json.dumps(ROAD_ZOOMS)})
        (data,) = cursor.fetchone()
    return bytes(data or b"")


@functools.cache
def _cache_in(folder: str) -> FileBasedCache:
    return FileBasedCache(folder, {"TIMEOUT": CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 200_000}})


def _cache() -> FileBasedCache:
    """Files shared by every gunicorn worker."""
    return _cache_in(str(getattr(settings, "BASEMAP_CACHE_DIR", VAR_DIR / "cache" / "basemap")))


def data_version() -> str:
    """Changes whenever a table the basemap draws changes (whoever wrote it: admin, API, import, psql)."""
    with reading_connection().cursor() as cursor:
        cursor.execute(
            """SELECT coalesce(string_agg(concat_ws(':', table_name, version, changed_at), ',' ORDER BY table_name), '')
                 FROM etl_dataversion WHERE table_name = ANY(%s)""",
            [TABLES],
        )
        (versions,) = cursor.fetchone()
    return hashlib.sha256(versions.encode()).hexdigest()[:16]


def tile(z: int, x: int, y: int) -> Tile:
    """A tile from the cache, or built and cached; an empty one above the country's first zoom."""
    check_address(z, x, y)
    if z < MIN_ZOOM:
        return Tile(b"", '"empty"')
    key = f"basemap:{data_version()}:{z}:{x}:{y}"
    cached = _cache().get(key)
    if cached is None:
        data = render_tile(z, x, y)
        cached = (data, '"' + hashlib.sha256(key.encode() + data).hexdigest()[:32] + '"')
        _cache().set(key, cached)
    return Tile(*cached)


def clear_cache() -> None:
    _cache().clear()
