"""A small picture of the basemap around a point, as SVG built from one query: what a page shows without
JavaScript (the report page's clickable map, like FixMyStreet's, and the status page's "where").

It draws what the basemap tiles draw, by the same rules (maps.basemap): outlines, streets by class, and the
names of the page's language, the most important first and none over another. A click on it (an
`<input type="image">`) comes back as pixels, which `Picture.lonlat` turns into a place.
"""

import json
import math
from dataclasses import dataclass
from html import escape
from typing import Any

from gisportal.db import reading_connection
from maps import basemap

EARTH = 6_378_137.0  # metres: the Web Mercator sphere
MIN_ZOOM, MAX_ZOOM = 5, 18
# (width, height) in CSS pixels: "choose" fits a 360-pixel phone; "show" is the strip under a report.
SIZES = {"choose": (340, 300), "show": (340, 180)}
LAND = "#eee8dc"
STYLE = (
    f"svg{{background:{LAND}}}"
    "path{fill:none;stroke-linejoin:round;stroke-linecap:round}"
    ".governorate{stroke:#8f7a99;stroke-width:1.6}"
    ".municipality{stroke:#a08fa8;stroke-width:1.1;stroke-dasharray:5 3}"
    ".district{stroke:#b9aebf;stroke-width:.8}"
    ".road{stroke:#fff;stroke-width:2.5}.major{stroke:#f4c76c;stroke-width:4}"
    'text{font-family:system-ui,"Noto Sans Arabic",sans-serif;fill:#3b3340;stroke:#fff;stroke-width:3px;'
    "stroke-linejoin:round;paint-order:stroke;text-anchor:middle}"
    ".t-district{fill:#6d6272;font-style:italic}"
    ".pin{fill:#c0392b;stroke:#fff;stroke-width:1.5}"
)
TEXT = {"governorate": (14, 700), "municipality": (13, 700), "place": (12, 600), "district": (11, 400)}
MAJOR_ROADS = {"motorway", "trunk", "primary", "secondary"}


class OutOfRange(ValueError):
    """A picture centred off the map or at a zoom the portal does not draw."""


@dataclass(frozen=True)
class Picture:
    """A view of the map: its centre, zoom and size in CSS pixels."""

    lon: float
    lat: float
    zoom: int
    width: int
    height: int

    @property
    def resolution(self) -> float:
        """Web Mercator metres per pixel at this zoom."""
        return 2 * math.pi * EARTH / (256 * 2**self.zoom)

    @property
    def centre(self) -> tuple[float, float]:
        return EARTH * math.radians(self.lon), EARTH * math.log(math.tan(math.pi / 4 + math.radians(self.lat) / 2))

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The place under pixel (x, y) of the picture, from its top left corner."""
        cx, cy = self.centre
        mx = cx + (x - self.width / 2) * self.resolution
        my = cy - (y - self.height / 2) * self.resolution
        return math.degrees(mx / EARTH), math.degrees(2 * math.atan(math.exp(my / EARTH)) - math.pi / 2)


def at(lon: float, lat: float, zoom: int, size: str) -> Picture:
    """The picture of `size` ("choose" or "show") centred on a place, or OutOfRange."""
    if not (-180 <= lon <= 180 and -85 <= lat <= 85 and MIN_ZOOM <= zoom <= MAX_ZOOM) or size not in SIZES:
        raise OutOfRange(f"No picture at {lon}, {lat}, zoom {zoom}, size {size}.")
    return Picture(lon, lat, zoom, *SIZES[size])


Box = tuple[float, float, float, float]


def _box(x: float, y: float, text: str, size: int) -> Box:
    half = len(text) * size * 0.29 + 3
    return x - half, y - size, x + half, y + size * 0.4


def _overlaps(box: Box, taken: list[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken)


def _features(picture: Picture, *, arabic: bool) -> list[tuple[str, str, str, float, float]]:
    """(layer, kind, SVG path or name, x, y): outlines and streets as paths, names as points, in pixels."""
    cx, cy = picture.centre
    half_w, half_h = picture.width / 2 * picture.resolution, picture.height / 2 * picture.resolution
    # Pixels from Web Mercator; ST_AsSVG writes y negated, so y is kept upward here.
    to_pixels = "ST_Affine({}, 1 / v.res, 0, 0, 1 / v.res, -v.west / v.res, -v.north / v.res)"
    path = f"ST_AsSVG({to_pixels.format('ST_ClipByBox2D(ST_Transform({}, 3857), v.box)')}, 0, 1)"
    point = to_pixels.format("ST_Transform({}, 3857)")
    name = "CASE WHEN %(arabic)s AND {0}.name_ar <> '' THEN {0}.name_ar ELSE {1} END"
    sql = f"""
    WITH v AS (
        SELECT %(west)s::float AS west, %(north)s::float AS north, %(res)s::float AS res, %(z)s AS z,
               ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 3857) AS box,
               ST_Transform(ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 3857), 4326) AS search,
               360.0 / (256 * 2 ^ %(z)s) AS pixel
    ), shapes AS (
        SELECT 'outline' AS layer, 'governorate' AS kind,
               {path.format("ST_Boundary(ST_Simplify(g.boundary, v.pixel / 2, true))")} AS d, 0 AS rank
          FROM layers_governorate g, v WHERE v.z < {basemap.GOVERNORATES_BELOW} AND g.boundary && v.search
        UNION ALL
        SELECT 'outline', 'municipality', {path.format("ST_Boundary(ST_Simplify(m.boundary, v.pixel / 2, true))")}, 0
          FROM layers_municipality m, v
         WHERE v.z >= {basemap.MUNICIPALITY_OUTLINES_FROM} AND m.boundary && v.search
        UNION ALL
        SELECT 'outline', 'district', {path.format("ST_Boundary(d.boundary)")}, 0
          FROM layers_district d, v WHERE v.z >= {basemap.DISTRICTS_FROM} AND d.boundary && v.search
        UNION ALL
        SELECT 'road', CASE WHEN regexp_replace(r.highway, '_link$', '') = ANY(%(major)s) THEN 'major' ELSE 'road' END,
               {path.format("r.path")}, 0
          FROM etl_roadsegment r, v
         WHERE r.path && v.search
           AND v.z >= coalesce((%(road_zooms)s::jsonb ->> regexp_replace(r.highway, '_link$', ''))::int, 16)
    ), names AS (
        SELECT 'governorate' AS kind, {name.format("g", "g.name_fr")} AS name, 1 AS rank, 0 AS population,
               {point.format("ST_PointOnSurface(g.boundary)")} AS at
          FROM layers_governorate g, v
         WHERE v.z BETWEEN 6 AND {basemap.GOVERNORATES_BELOW - 1} AND g.boundary && v.search
        UNION ALL
        SELECT 'municipality', {name.format("m", "m.name_fr")}, 2, coalesce(m.population, 0),
               {point.format(f"coalesce({basemap.town_of('location')}, ST_PointOnSurface(m.boundary))")}
          FROM layers_municipality m, v
         WHERE v.z BETWEEN {basemap.MUNICIPALITY_NAMES[0]} AND {basemap.MUNICIPALITY_NAMES[1]}
           AND m.boundary && v.search
        UNION ALL
        SELECT 'place', {name.format("p", "p.name")}, 3, p.population, {point.format("p.location")}
          FROM complaints_place p, v
         WHERE p.location && v.search AND v.z >= {basemap.PLACE_ZOOM}
           AND NOT (v.z BETWEEN {basemap.MUNICIPALITY_NAMES[0]} AND {basemap.MUNICIPALITY_NAMES[1]} AND EXISTS (
               SELECT 1 FROM layers_municipality m
                WHERE m.boundary && p.location AND ST_Intersects(m.boundary, p.location)
                  AND {basemap.town_of("id")} = p.id))
        UNION ALL
        SELECT 'district', {name.format("d", "d.name")}, 4, coalesce(d.population, 0),
               {point.format("ST_PointOnSurface(d.boundary)")}
          FROM layers_district d, v WHERE v.z > {basemap.DISTRICTS_FROM} AND d.boundary && v.search
    )
    SELECT layer, kind, d, NULL::float, NULL::float FROM shapes WHERE d <> ''
    UNION ALL
    (SELECT 'name', kind, name, ST_X(at), -ST_Y(at) FROM names, v
      WHERE ST_Intersects(at, ST_MakeEnvelope(0, -%(height)s, %(width)s, 0, 3857)) ORDER BY rank, population DESC)
    """  # noqa: S608 (fragments from this module and maps.basemap; every value is a parameter)
    params: dict[str, Any] = {
        "west": cx - half_w,
        "east": cx + half_w,
        "south": cy - half_h,
        "north": cy + half_h,
        "res": picture.resolution,
        "z": picture.zoom,
        "width": picture.width,
        "height": picture.height,
        "arabic": arabic,
        "major": sorted(MAJOR_ROADS),
        "road_zooms": json.dumps(basemap.ROAD_ZOOMS),
    }
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()  # (x, y are NULL for paths)


def svg(picture: Picture, *, arabic: bool, pin: bool, title: str) -> str:
    """The picture as an SVG document: outlines, streets and names; a pin at its centre if `pin`."""
    width, height = picture.width, picture.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img"><title>{escape(title)}</title><style>{STYLE}</style>'
        f'<rect width="{width}" height="{height}" fill="{LAND}"/>'
    ]
    names: list[str] = []
    taken: list[Box] = []
    for layer, kind, value, x, y in _features(picture, arabic=arabic):
        if layer != "name":
            parts.append(f'<path class="{kind}" d="{value}"/>')
            continue
        size, weight = TEXT[kind]
        box = _box(x, y - 5, value, size)
        if not value or _overlaps(box, taken):
            continue
        taken.append(box)
        dot = kind in {"place", "municipality"}
        if dot:
            names.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#5d4a66" stroke="#fff"/>')
        names.append(
            f'<text x="{x:.1f}" y="{y - 5 if dot else y + size * 0.35:.1f}" class="t-{kind}" font-size="{size}"'
            f' font-weight="{weight}">{escape(value)}</text>'
        )
    parts += names
    if pin:
        cx, cy = width / 2, height / 2
        parts.append(
            f'<path class="pin" d="M{cx} {cy} c-2-6-9-10-9-17a9 9 0 0 1 18 0c0 7-7 11-9 17z"/>'
            f'<circle cx="{cx}" cy="{cy - 17}" r="3.2" fill="#fff"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
