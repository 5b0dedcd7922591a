"""Reads for the citizen maps. Everything public: no staff scoping, and never a reporter's name or contact.

Small layers come back as GeoJSON text built by PostGIS (only the properties a popup needs, coordinates
rounded); the complaints layer is only ever read by bounding box, aggregated into grid cells when dense.
"""

import json
from dataclasses import dataclass
from typing import Any

from gisportal.db import reading_connection
from layers.models import Complaint

# What a citizen sees as "open" and "resolved"; duplicates, rejected and moderated (hidden) reports are not mapped.
OPEN_STATUSES = (
    Complaint.Status.SUBMITTED,
    Complaint.Status.ACKNOWLEDGED,
    Complaint.Status.IN_PROGRESS,
    Complaint.Status.REOPENED,
)
RESOLVED_STATUSES = (Complaint.Status.RESOLVED, Complaint.Status.CLOSED_WITHOUT_FIX)
STATES = {"open": OPEN_STATUSES, "resolved": RESOLVED_STATUSES, "all": OPEN_STATUSES + RESOLVED_STATUSES}
# Complaints come one by one up to this many in view; beyond it, they are counted.
MAX_POINTS = 1000
# No response carries more features than this (grid cells at high zoom on very dense data).
MAX_FEATURES = 2000
# Below this zoom (a municipality a few dozen pixels wide), complaints are counted per municipality.
MUNICIPALITY_ZOOM = 9
# Grid cell side in screen pixels at the requested zoom: about 500 cells on a laptop screen.
CELL_PIXELS = 48
# Simplification of the national boundaries, in degrees (about 600 m, a pixel at zoom 8): light enough for one page.
NATIONAL_TOLERANCE = 0.006


# What a citizen may type without: accents, capitals, hyphens; the Arabic hamza forms, tā' marbūṭa, alif maqṣūra.
_FOLD_FROM = "ÀÂÄÉÈÊËÎÏÔÖÙÛÜÇàâäéèêëîïôöùûüç-'أإآةى"
_FOLD_TO = "aaaeeeeiioouuucaaaeeeeiioouuuc  اااهي"


def folded(expression: str) -> str:
    """SQL for a name as it is compared with what a citizen typed (the same folding on both sides)."""
    return f"translate(lower({expression}), '{_FOLD_FROM.replace(chr(39), chr(39) * 2)}', '{_FOLD_TO}')"


@dataclass(frozen=True)
class MunicipalityFrame:
    id: int
    code: str
    name_fr: str
    name_ar: str
    bounds: tuple[float, float, float, float]  # west, south, east, north
    has_streets: bool = False  # its road network was imported: a search may promise streets


def _one(sql: str, params: dict[str, Any] | None = None) -> Any:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params or {})
        row = cursor.fetchone()
    return row[0] if row else None


def _rows(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def municipality_frame(code: str) -> MunicipalityFrame | None:
    rows = _rows(
        """SELECT id, code, name_fr, name_ar, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b),
                  EXISTS (SELECT 1 FROM etl_roadsegment r WHERE r.municipality_id = m.id)
             FROM (SELECT *, ST_Envelope(boundary) AS b FROM layers_municipality WHERE code = %(code)s) m""",
        {"code": code},
    )
    if not rows:
        return None
    pk, code, name_fr, name_ar, *bounds, has_streets = rows[0]
    return MunicipalityFrame(pk, code, name_fr, name_ar, tuple(bounds), has_streets)  # type: ignore[arg-type]


TUNISIA = (7.5, 30.2, 11.6, 37.6)  # the national map's frame before any municipality is imported


def national_bounds() -> tuple[float, float, float, float]:
    bounds = _rows(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary) e "
        "FROM layers_municipality) x"
    )[0]
    return TUNISIA if bounds[0] is None else bounds  # type: ignore[return-value]


def municipality_boundary_geojson(municipality_id: int) -> str:
    return _one(
        """SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
                    'type', 'Feature', 'geometry', ST_AsGeoJSON(boundary, 5)::json,
                    'properties', json_build_object('name_fr', name_fr, 'name_ar', name_ar))))::text
             FROM layers_municipality WHERE id = %(id)s""",
        {"id": municipality_id},
    )


@dataclass(frozen=True)
class KindNames:
    """How the page names each kind of service, and the names that say no more than the kind (in any language):
    a point called "Pharmacie" is titled as an unnamed one."""

    labels: dict[str, str]
    generic: dict[str, list[str]]
    separator: str  # between the kind and where it is: ", " or the Arabic "، "
    arabic: bool


# Within this distance, the nearest named street says where an unnamed service point is.
STREET_WITHIN_M = 100


def _title(point: str, place: str) -> str:
    """SQL for the title of service point `point`: its own name, else its kind and `place`."""
    return f"""CASE WHEN {point}.name = '' OR jsonb_exists(%(generic)s::jsonb -> {point}.kind, lower({point}.name))
                    THEN concat_ws(%(separator)s, %(labels)s::jsonb ->> {point}.kind, {place})
                    ELSE {point}.name END"""


def _street_or_district(point: str) -> str:
    """SQL naming where service point `point` is: the nearest named street within STREET_WITHIN_M, else its district."""
    return f"""coalesce(
        (SELECT r.name FROM etl_roadsegment r
          WHERE r.name <> '' AND r.path && metres_envelope({point}.location, {STREET_WITHIN_M})
            AND ST_DWithin(r.path::geography, {point}.location::geography, {STREET_WITHIN_M})
          ORDER BY r.path <-> {point}.location LIMIT 1),
        (SELECT CASE WHEN %(arabic)s AND d.name_ar <> '' THEN d.name_ar ELSE d.name END FROM layers_district d
          WHERE d.municipality_id = {point}.municipality_id AND ST_Intersects(d.boundary, {point}.location)
          ORDER BY d.id LIMIT 1))"""  # noqa: S608 (aliases from this module)


def _names(names: KindNames) -> dict[str, Any]:
    return {
        "labels": json.dumps(names.labels),
        "generic": json.dumps(names.generic),
        "separator": names.separator,
        "arabic": names.arabic,
    }


def service_points_by_kind(municipality_id: int | None, names: KindNames) -> dict[str, str]:
    """In-service points as one GeoJSON FeatureCollection per type (all of the country without a municipality),
    each titled (its name, or its kind and its street or district) and with its kind and opening hours."""
    rows = _rows(
        f"""SELECT kind, json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
                    'type', 'Feature', 'geometry', ST_AsGeoJSON(location, 5)::json,
                    'properties', json_build_object('title', {_title("p", _street_or_district("p"))},
                                                    'kind', kind, 'hours', opening_hours)) ORDER BY id))::text
             FROM layers_servicepoint p
            WHERE status = 'in_service' AND (%(id)s::bigint IS NULL OR municipality_id = %(id)s)
            GROUP BY kind ORDER BY kind""",  # noqa: S608
        {"id": municipality_id} | _names(names),
    )
    return dict(rows)


def service_points_compact(names: KindNames) -> list[tuple[float, float, str, str]]:
    """Every in-service point of the country as (lat, lon, type, title): a fifth of the GeoJSON's weight.
    An unnamed point is titled by its kind and municipality (a street per point would cost a lookup each)."""
    municipality = (
        "(SELECT CASE WHEN %(arabic)s THEN m.name_ar ELSE m.name_fr END FROM layers_municipality m "
        "WHERE m.id = p.municipality_id)"
    )
    return _rows(
        f"""SELECT round(ST_Y(location)::numeric, 5)::float, round(ST_X(location)::numeric, 5)::float, kind,
                   {_title("p", municipality)}
             FROM layers_servicepoint p WHERE status = 'in_service' ORDER BY id""",  # noqa: S608
        _names(names),
    )  # type: ignore[return-value]


def collection_routes_by_days(municipality_id: int | None) -> list[tuple[list[int], str]]:
    """Routes grouped by their service days (one style per day pattern), as GeoJSON FeatureCollections."""
    return _rows(
        """SELECT service_days, json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
                    'type', 'Feature', 'geometry', ST_AsGeoJSON(path, 5)::json,
                    'properties', json_build_object('name', name, 'days', service_days, 'frequency', frequency,
                        'starts', to_char(starts_at, 'HH24:MI'), 'ends', to_char(ends_at, 'HH24:MI')))
                    ORDER BY name))::text
             FROM layers_collectionroute
            WHERE %(id)s::bigint IS NULL OR municipality_id = %(id)s
            GROUP BY service_days ORDER BY cardinality(service_days) DESC, service_days""",
        {"id": municipality_id},
    )


def districts_geojson(municipality_id: int | None, *, arabic: bool) -> str | None:
    """Districts with the marginalisation score and its indicators, their rank in their municipality, complaint
    density (per 1,000 inhabitants) and the walking-distance proxy to services (metres from the district's centre
    to the nearest service point)."""
    return _one(
        """SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
                    'type', 'Feature', 'geometry', ST_AsGeoJSON(d.boundary, 5)::json,
                    'properties', json_build_object(
                        'name', CASE WHEN %(arabic)s AND d.name_ar <> '' THEN d.name_ar ELSE d.name END,
                        'score', round(d.marginalisation_score::numeric, 1),
                        'poverty', d.poverty_rate, 'unemployment', d.unemployment_rate,
                        'water', d.water_access_rate, 'sanitation', d.sanitation_access_rate,
                        'waste', d.waste_collection_rate, 'population', d.population,
                        'complaints', c.n,
                        'complaints_per_1000', round(1000.0 * c.n / nullif(d.population, 0), 1),
                        'service_distance_m', round(s.metres), 'rank', d.rank, 'ranked', d.ranked))
                    ORDER BY d.name))::text
             -- rank 1: the most marginalised of its municipality; a district without a score is not ranked
             FROM (SELECT *, CASE WHEN marginalisation_score IS NOT NULL THEN rank() OVER (
                                  PARTITION BY municipality_id, marginalisation_score IS NULL
                                  ORDER BY marginalisation_score DESC) END AS rank,
                          count(marginalisation_score) OVER (PARTITION BY municipality_id) AS ranked
                     FROM layers_district WHERE %(id)s::bigint IS NULL OR municipality_id = %(id)s) d
             CROSS JOIN LATERAL (SELECT count(*) AS n FROM layers_complaint
                                  WHERE district_id = d.id AND status <> ALL(%(unmapped)s) AND NOT is_hidden) c
             CROSS JOIN LATERAL ST_PointOnSurface(d.boundary) AS centre
             -- `bound`: metres to the nearest in degrees (KNN on the GiST index); the nearest in metres is no farther.
             CROSS JOIN LATERAL (
                 SELECT ST_Distance(centre::geography, p.location::geography) AS metres
                   FROM layers_servicepoint p WHERE p.status = 'in_service'
                  ORDER BY p.location <-> centre LIMIT 1) bound
             CROSS JOIN LATERAL (
                 SELECT min(ST_Distance(centre::geography, p.location::geography)) AS metres
                   FROM layers_servicepoint p
                  WHERE p.status = 'in_service' AND p.location && metres_envelope(centre, bound.metres)) s""",
        {"id": municipality_id, "arabic": arabic, "unmapped": ["duplicate", "rejected"]},
    )


def municipalities_geojson(*, arabic: bool) -> str:
    """All municipalities, simplified: the national map's one large embedded layer.

    No complaint counts here: over a million complaints they would hold the page back; the complaints
    layer brings them per municipality, after the page has loaded.
    """
    return _one(
        """SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                    'type', 'Feature',
                    'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(m.boundary, %(tolerance)s), 3)::json,
                    'properties', json_build_object(
                        'code', m.code,
                        'name', CASE WHEN %(arabic)s THEN m.name_ar ELSE m.name_fr END,
                        'governorate', CASE WHEN %(arabic)s THEN g.name_ar ELSE g.name_fr END,
                        'population', m.population))
                    ORDER BY m.code), '[]'))::text  -- none yet: a fresh portal before its first import
             FROM layers_municipality m
             JOIN layers_governorate g ON g.id = m.governorate_id""",
        {"tolerance": NATIONAL_TOLERANCE, "arabic": arabic},
    )


def complaints_in_view(
    bbox: tuple[float, float, float, float], zoom: int, state: str, municipality_id: int | None = None
) -> str:
    """Public complaints in a bounding box as GeoJSON: points when few, else counts.

    Points carry only category, status and day. Counts are per municipality (at its centre) below
    MUNICIPALITY_ZOOM, else per grid cell (at the mean of its points); each carries `count` alone.
    """
    west, south, east, north = bbox
    params = {
        "west": west,
        "south": south,
        "east": east,
        "north": north,
        "statuses": list(STATES[state]),
        "municipality": municipality_id,
        "points": MAX_POINTS,
        "limit": MAX_FEATURES,
        # Degrees per CELL_PIXELS at this zoom (256-pixel tiles); coarse enough for a few hundred cells.
        "cell": 360.0 / (2**zoom) / 256 * CELL_PIXELS,
    }
    public = """status = ANY(%(statuses)s) AND NOT is_hidden
                AND (%(municipality)s::bigint IS NULL OR municipality_id = %(municipality)s)"""
    envelope = "ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
    where = f"location && {envelope} AND {public}"
    # Cheap: stops reading after one row more than a points response may hold.
    few = _one(
        f"SELECT count(*) <= %(points)s FROM (SELECT 1 FROM layers_complaint WHERE {where} LIMIT %(points)s + 1) s",  # noqa: S608
        params,
    )
    if few:
        sql = f"""SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                        'type', 'Feature', 'geometry', ST_AsGeoJSON(location, 5)::json,
                        'properties', json_build_object('category', category, 'status', status,
                                                        'day', to_char(created_at, 'YYYY-MM-DD')))), '[]'))::text
                    FROM layers_complaint WHERE {where}"""  # noqa: S608
    elif zoom < MUNICIPALITY_ZOOM:
        # A count per municipality needs no geometry per complaint: several times faster over a million.
        sql = f"""SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                        'type', 'Feature', 'geometry', ST_AsGeoJSON(ST_PointOnSurface(m.boundary), 4)::json,
                        'properties', json_build_object('count', c.n)) ORDER BY c.n DESC), '[]'))::text
                    FROM (SELECT municipality_id, count(*) AS n FROM layers_complaint
                           WHERE {public} AND municipality_id IN (
                                 SELECT id FROM layers_municipality WHERE boundary && {envelope})
                           GROUP BY municipality_id) c
                    JOIN layers_municipality m ON m.id = c.municipality_id"""  # noqa: S608
    else:
        sql = f"""SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                        'type', 'Feature',
                        'geometry', json_build_object('type', 'Point', 'coordinates',
                                                      json_build_array(round(x::numeric, 5), round(y::numeric, 5))),
                        'properties', json_build_object('count', n))), '[]'))::text
                    FROM (SELECT avg(ST_X(location)) AS x, avg(ST_Y(location)) AS y, count(*) AS n
                            FROM layers_complaint WHERE {where}
                           GROUP BY ST_SnapToGrid(location, %(cell)s)
                           ORDER BY n DESC LIMIT %(limit)s) cells"""  # noqa: S608
    return _one(sql, params)


def nearest_service(
    lon: float, lat: float, names: KindNames, *, municipality_id: int | None = None, kinds: list[str] | None = None
) -> dict[str, Any] | None:
    """The in-service point (of one of `kinds`, if given) nearest to a place, titled, with its distance in metres.

    The nearest in degrees (KNN on the GiST index) is some metres away; the nearest in metres lies within them.
    """
    in_service = """status = 'in_service' AND (%(id)s::bigint IS NULL OR municipality_id = %(id)s)
                    AND (%(kinds)s::text[] IS NULL OR kind = ANY(%(kinds)s::text[]))"""
    rows = _rows(
        f"""SELECT {_title("p", _street_or_district("p"))}, kind,
                   round(ST_Distance(location::geography, here::geography)), ST_X(location), ST_Y(location)
              FROM ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS here,
                   LATERAL (SELECT ST_Distance(location::geography, here::geography) AS metres FROM layers_servicepoint
                             WHERE {in_service} ORDER BY location <-> here LIMIT 1) AS bound,
                   layers_servicepoint p
             WHERE {in_service} AND location && metres_envelope(here, bound.metres)
             ORDER BY ST_Distance(location::geography, here::geography), id LIMIT 1""",  # noqa: S608
        {"lon": lon, "lat": lat, "id": municipality_id, "kinds": kinds} | _names(names),
    )
    if not rows:
        return None
    title, kind, metres, x, y = rows[0]
    return {"title": title, "kind": kind, "distance_m": int(metres), "lon": x, "lat": y}


def nearest_route(lon: float, lat: float, *, municipality_id: int) -> dict[str, Any] | None:
    """The collection route passing nearest to a place, its days and time window (found as in `nearest_service`)."""
    rows = _rows(
        """SELECT name, service_days, frequency, to_char(starts_at, 'HH24:MI'), to_char(ends_at, 'HH24:MI'),
                  round(ST_Distance(path::geography, here::geography))
             FROM ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS here,
                  LATERAL (SELECT ST_Distance(path::geography, here::geography) AS metres FROM layers_collectionroute
                            WHERE municipality_id = %(id)s ORDER BY path <-> here LIMIT 1) AS bound,
                  layers_collectionroute
            WHERE municipality_id = %(id)s AND path && metres_envelope(here, bound.metres)
            ORDER BY ST_Distance(path::geography, here::geography), id LIMIT 1""",
        {"lon": lon, "lat": lat, "id": municipality_id},
    )
    if not rows:
        return None
    name, days, frequency, starts, ends, metres = rows[0]
    return {
        "route": name,
        "days": days,
        "frequency": frequency,
        "starts": starts,
        "ends": ends,
        "distance_m": int(metres),
    }


def places_named(query: str, *, municipality_id: int, arabic: bool, limit: int = 8) -> list[dict[str, Any]]:
    """Streets, districts, gazetteer places and named service points of the municipality whose name contains
    `query` (either script, accents and hamzas aside). A street (all its segments of that name) answers at its
    point nearest to its middle."""
    pattern = folded("%(pattern)s")
    rows = _rows(
        f"""SELECT name, ST_X(point), ST_Y(point) FROM (
               SELECT CASE WHEN {folded("name_ar")} LIKE {pattern} THEN name_ar ELSE name END AS name,
                      ST_PointOnSurface(boundary) AS point, 1 AS rank
                 FROM layers_district
                WHERE municipality_id = %(id)s
                  AND ({folded("name")} LIKE {pattern} OR {folded("name_ar")} LIKE {pattern})
               UNION ALL
               SELECT name, ST_ClosestPoint(street, ST_Centroid(street)), 0
                 FROM (SELECT name, ST_Collect(path) AS street FROM etl_roadsegment
                        WHERE municipality_id = %(id)s AND {folded("name")} LIKE {pattern} GROUP BY name) streets
               UNION ALL
               SELECT CASE WHEN %(arabic)s AND p.name_ar <> '' THEN p.name_ar ELSE p.name END, p.location, 2
                 FROM complaints_place p JOIN layers_municipality m ON m.id = %(id)s
                WHERE p.location && m.boundary AND ST_Intersects(p.location, m.boundary)
                  AND ({folded("p.name")} LIKE {pattern} OR {folded("p.asciiname")} LIKE {pattern}
                       OR {folded("p.name_ar")} LIKE {pattern})
               UNION ALL
               SELECT name, location, 3 FROM layers_servicepoint
                WHERE municipality_id = %(id)s AND status = 'in_service' AND {folded("name")} LIKE {pattern}) places
            ORDER BY rank, name LIMIT %(limit)s""",  # noqa: S608 (fragments from this module)
        {"pattern": like_pattern(query), "id": municipality_id, "limit": limit, "arabic": arabic},
    )
    return [{"name": name, "lon": round(lon, 6), "lat": round(lat, 6)} for name, lon, lat in rows]


@dataclass(frozen=True)
class MunicipalityEntry:
    code: str
    name: str  # in the page's script
    governorate: str


def _entries(where: str, params: dict[str, Any], *, arabic: bool, order: str) -> list[MunicipalityEntry]:
    rows = _rows(
        f"""SELECT m.code, CASE WHEN %(arabic)s THEN m.name_ar ELSE m.name_fr END,
                   CASE WHEN %(arabic)s THEN g.name_ar ELSE g.name_fr END
              FROM layers_municipality m JOIN layers_governorate g ON g.id = m.governorate_id
             WHERE {where} ORDER BY {order}""",  # noqa: S608 (fragments from this module; values are parameters)
        params | {"arabic": arabic},
    )
    return [MunicipalityEntry(*row) for row in rows]


def like_pattern(text: str) -> str:
    """`text` anywhere in a name: LIKE's own characters in it are letters, not wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def municipalities_matching(query: str, *, arabic: bool, limit: int = 50) -> list[MunicipalityEntry]:
    """Municipalities whose official code is `query`, or whose French or Arabic name contains it (accents,
    capitals and hamzas aside): the code first, then exact names, then names that start with it."""
    name_fr, name_ar, typed = folded("m.name_fr"), folded("m.name_ar"), folded("%(query)s")
    pattern = folded("%(pattern)s")
    return _entries(
        f"m.code = %(query)s OR {name_fr} LIKE {pattern} OR {name_ar} LIKE {pattern}",
        {"query": query, "pattern": like_pattern(query), "limit": limit},
        arabic=arabic,
        order=f"""m.code = %(query)s DESC, ({name_fr} = {typed} OR {name_ar} = {typed}) DESC,
                  (starts_with({name_fr}, {typed}) OR starts_with({name_ar}, {typed})) DESC, 2 LIMIT %(limit)s""",
    )


def municipalities_by_governorate(*, arabic: bool) -> list[tuple[str, list[MunicipalityEntry]]]:
    """Every municipality, by governorate, each in alphabetical order of the page's script."""
    grouped: dict[str, list[MunicipalityEntry]] = {}
    for entry in _entries("true", {}, arabic=arabic, order="3, 2"):
        grouped.setdefault(entry.governorate, []).append(entry)
    return list(grouped.items())
