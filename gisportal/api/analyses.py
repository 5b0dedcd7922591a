"""The spatial analyses municipalities ask for, each one SQL query, scoped to the caller's municipalities.

Every analysis takes typed parameters (declared once, read by the API and by `gisportal analyse`)
and returns rows; rows with a `geometry` column (GeoJSON text built by PostGIS) export as GeoJSON.
Distances are metres on the spheroid (geography) or in the metric SRID (areas, clusters).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely
from django.conf import settings
from django.utils import timezone

from etl.models import RasterLayer
from gisportal.accounts import roles
from gisportal.api.parsing import BadParameter, bounded_date, decimal_number, whole_number
from gisportal.db import reading_connection
from layers.models import Municipality, ServicePoint
from layers.selectors import Scope, scope


class BadAnalysisParameter(BadParameter):
    """A parameter the caller got wrong; the message says which and why."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: type  # date, float, int or str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    # Numbers: the range that makes sense (and keeps the query's cost bounded), in the unit of `help`.
    minimum: float = 0
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.kind in {float, int} and self.maximum is None:
            raise TypeError(f"The number {self.name} needs a maximum.")

    @property
    def description(self) -> str:
        return f"{self.help} ({self.minimum:g} to {self.maximum:g})" if self.maximum is not None else self.help

    def parse(self, raw: str | None) -> Any:
        if raw is None or raw == "":
            return self.default
        try:
            return self._parse(raw)
        except BadParameter as bad:
            raise BadAnalysisParameter(str(bad)) from None

    def _parse(self, raw: str) -> Any:
        if self.kind is float and self.maximum is not None:
            return decimal_number(raw, self.name, minimum=self.minimum, maximum=self.maximum, unit=f" ({self.help})")
        if self.kind is int and self.maximum is not None:
            return whole_number(raw, self.name, minimum=int(self.minimum), maximum=int(self.maximum))
        if self.kind is date:
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise BadParameter(f"{self.name}: {raw[:40]!r} is not a date (YYYY-MM-DD).") from None
            return bounded_date(day, self.name)
        if self.choices and raw not in self.choices:
            raise BadParameter(f"{self.name} must be one of: {', '.join(self.choices)}.")
        return raw


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Analysis:
    name: str
    title: str
    run: Callable[..., Result]
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def parse(self, raw: dict[str, str | None]) -> dict[str, Any]:
        unknown = sorted(set(raw) - {p.name for p in self.parameters})
        if unknown:
            accepted = ", ".join(p.name for p in self.parameters) or "none"
            raise BadAnalysisParameter(f"Unknown parameter(s): {', '.join(unknown)}. Accepted: {accepted}.")
        return {p.name.replace("-", "_"): p.parse(raw.get(p.name)) for p in self.parameters}


def municipality_code(alias: str) -> str:
    """The official code of a row's municipality, the one identifier every analysis gives (never the internal id)."""
    return f"(SELECT m.code FROM layers_municipality AS m WHERE m.id = {alias}.municipality_id) AS municipality_code"  # noqa: S608 (an alias from this module)


def municipalities_of(user: roles.User | None) -> list[int] | None:
    """None for every municipality (analysts, administrators, the command line); else the planner's own."""
    if user is None:
        return None
    extent = scope(Municipality, user)
    if extent is Scope.ALL:
        return None
    return sorted(roles.municipality_ids(user)) if extent is Scope.OWN_MUNICIPALITIES else []


def _run(sql: str, params: dict[str, Any]) -> Result:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return Result(columns, cursor.fetchall())


def _period(start: date | None, end: date | None) -> dict[str, datetime | None]:
    """A closed range of days, as the instants [start, end + 1 day) in the portal's time zone."""
    zone = timezone.get_default_timezone()
    return {
        "start": datetime.combine(start, time(), tzinfo=zone) if start else None,
        "end": datetime.combine(end + timedelta(days=1), time(), tzinfo=zone) if end else None,
    }


SCOPED = "(%(municipalities)s::bigint[] IS NULL OR {column} = ANY(%(municipalities)s::bigint[]))"
IN_PERIOD = (
    "(%(start)s::timestamptz IS NULL OR {column} >= %(start)s) AND (%(end)s::timestamptz IS NULL OR {column} < %(end)s)"
)
GROUPINGS = {
    "none": "NULL::text",
    "category": "c.category",
    "status": "c.status",
    "month": "to_char(c.created_at, 'YYYY-MM')",
}

START = Parameter("start", date, None, "first day of the period (YYYY-MM-DD)")
END = Parameter("end", date, None, "last day of the period (YYYY-MM-DD)")


def complaints_per_area(
    *, user: roles.User | None, level: str, by: str, start: date | None, end: date | None
) -> Result:
    """Complaints per municipality or district, per 1,000 inhabitants, split by category, status or month."""
    area, key = (
        ("layers_municipality", "municipality_id") if level == "municipality" else ("layers_district", "district_id")
    )
    code = "a.code" if level == "municipality" else "NULL::text"
    municipality = "a.id" if level == "municipality" else "a.municipality_id"
    sql = f"""
        SELECT a.id, {code} AS code, {"a.name_fr" if level == "municipality" else "a.name"} AS name,
               a.population, {GROUPINGS[by]} AS "group", count(c.id) AS complaints,
               round(1000.0 * count(c.id) / nullif(a.population, 0), 3) AS per_1000_inhabitants
        FROM {area} AS a
        LEFT JOIN layers_complaint AS c ON c.{key} = a.id AND {IN_PERIOD.format(column="c.created_at")}
        WHERE {SCOPED.format(column=municipality)}
        GROUP BY a.id, 5
        ORDER BY complaints DESC, a.id, 5
    """  # noqa: S608 (identifiers from the fixed tables above; values are parameters)
    return _run(sql, {"municipalities": municipalities_of(user), **_period(start, end)})


def resolution_times(*, user: roles.User | None, start: date | None, end: date | None) -> Result:
    """Per municipality and category: resolved complaints, median days to resolve, share within the due date."""
    sql = f"""
        WITH resolved AS (
            SELECT c.municipality_id, c.category, c.created_at, c.due_at, min(u.created_at) AS resolved_at
            FROM layers_complaint AS c
            JOIN complaints_complaintupdate AS u ON u.complaint_id = c.id AND u.status = 'resolved'
            WHERE {SCOPED.format(column="c.municipality_id")} AND {IN_PERIOD.format(column="c.created_at")}
            GROUP BY c.id
        )
        SELECT m.code, m.name_fr AS municipality, r.category, count(*) AS resolved,
               round((percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM r.resolved_at - r.created_at)) / 86400)::numeric, 2) AS median_days,
               round(100.0 * count(*) FILTER (WHERE r.resolved_at <= r.due_at)
                     / nullif(count(r.due_at), 0), 1) AS on_time_percent
        FROM resolved AS r JOIN layers_municipality AS m ON m.id = r.municipality_id
        GROUP BY m.code, m.name_fr, r.category
        ORDER BY m.code, r.category
    """  # noqa: S608
    return _run(sql, {"municipalities": municipalities_of(user), **_period(start, end)})


def hotspots(
    *, user: roles.User | None, start: date | None, end: date | None, distance: float, min_complaints: int
) -> Result:
    """Density clusters of complaints (DBSCAN in metres): size, main category, centre and outline."""
    sql = f"""
        WITH placed AS (
            SELECT c.id, c.category, ST_Transform(c.location, %(metric)s) AS g
            FROM layers_complaint AS c
            WHERE {SCOPED.format(column="c.municipality_id")} AND {IN_PERIOD.format(column="c.created_at")}
        ), clustered AS (
            SELECT id, category, g, ST_ClusterDBSCAN(g, eps => %(distance)s, minpoints => %(min)s) OVER () AS cluster
            FROM placed
        )
        SELECT row_number() OVER (ORDER BY count(*) DESC, min(id)) AS hotspot, count(*) AS complaints,
               mode() WITHIN GROUP (ORDER BY category) AS main_category,
               round(ST_X(ST_Transform(ST_Centroid(ST_Collect(g)), 4326))::numeric, 6) AS longitude,
               round(ST_Y(ST_Transform(ST_Centroid(ST_Collect(g)), 4326))::numeric, 6) AS latitude,
               ST_AsGeoJSON(ST_Transform(ST_ConvexHull(ST_Collect(g)), 4326), 6) AS geometry
        FROM clustered WHERE cluster IS NOT NULL
        GROUP BY cluster
        ORDER BY complaints DESC, hotspot
    """  # noqa: S608
    params = {
        "municipalities": municipalities_of(user),
        "metric": settings.METRIC_SRID,
        "distance": distance,
        "min": min_complaints,
        **_period(start, end),
    }
    return _run(sql, params)


def nearest_service(
    *, user: roles.User | None, kind: str, longitude: float | None, latitude: float | None, limit: int
) -> Result:
    """The nearest service point of a kind (in service) to a point, or to every complaint when no point is given.

    Nearest on the spheroid, through the geometry index: the nearest in degrees (KNN) is some metres away,
    and the truly nearest lies within that many metres.
    """
    points = (
        "SELECT NULL::bigint AS complaint_id, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS location"
        if longitude is not None and latitude is not None
        else f"""SELECT c.id AS complaint_id, c.location FROM layers_complaint AS c
                 WHERE {SCOPED.format(column="c.municipality_id")} ORDER BY c.id LIMIT %(limit)s"""  # noqa: S608
    )
    sql = f"""
        SELECT p.complaint_id, s.id AS service_point_id, s.name,
               {municipality_code("s")},
               round(s.metres::numeric, 1) AS distance_m,
               ST_AsGeoJSON(ST_MakeLine(p.location, s.location), 6) AS geometry
        FROM ({points}) AS p
        CROSS JOIN LATERAL (
            SELECT ST_Distance(sp.location::geography, p.location::geography) AS metres
            FROM layers_servicepoint AS sp
            WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
            ORDER BY sp.location <-> p.location
            LIMIT 1
        ) AS bound
        CROSS JOIN LATERAL (
            SELECT sp.id, sp.name, sp.municipality_id, sp.location,
                   ST_Distance(sp.location::geography, p.location::geography) AS metres
            FROM layers_servicepoint AS sp
            WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
              AND sp.location && metres_envelope(p.location, bound.metres)
            ORDER BY metres, sp.id
            LIMIT 1
        ) AS s
        ORDER BY p.complaint_id NULLS FIRST
    """  # noqa: S608
    params = {
        "municipalities": municipalities_of(user),
        "kind": kind,
        "lon": longitude,
        "lat": latitude,
        "limit": limit,
    }
    return _run(sql, params)


def coverage(*, user: roles.User | None, kind: str, distance: float) -> Result:
    """Population within `distance` metres of a service point of a kind, per district (census population
    spread evenly over the district's area), with the municipality's total in every row."""
    sql = f"""
        WITH districts AS (
            SELECT d.id, d.name, d.municipality_id, d.population, d.boundary,
                   ST_Transform(d.boundary, %(metric)s) AS area
            FROM layers_district AS d WHERE {SCOPED.format(column="d.municipality_id")}
        ), covered AS (
            SELECT d.*, coalesce(ST_Area(ST_Intersection(d.area, reach.zone)) / nullif(ST_Area(d.area), 0), 0) AS share
            FROM districts AS d
            LEFT JOIN LATERAL (
                SELECT ST_Union(ST_Buffer(ST_Transform(sp.location, %(metric)s), %(distance)s)) AS zone
                FROM layers_servicepoint AS sp
                WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
                  AND sp.location && metres_envelope(d.boundary, %(distance)s)
                  AND ST_DWithin(sp.location::geography, d.boundary::geography, %(distance)s)
            ) AS reach ON TRUE
        )
        SELECT m.code, m.name_fr AS municipality, c.id AS district_id, c.name AS district, c.population,
               round((100 * c.share)::numeric, 1) AS covered_percent,
               round(c.population * c.share) AS covered_population,
               sum(round(c.population * c.share)) OVER (PARTITION BY m.id) AS municipality_covered_population
        FROM covered AS c JOIN layers_municipality AS m ON m.id = c.municipality_id
        ORDER BY m.code, c.name
    """  # noqa: S608
    params = {
        "municipalities": municipalities_of(user),
        "metric": settings.METRIC_SRID,
        "kind": kind,
        "distance": distance,
    }
    return _run(sql, params)


def _population_raster(name: str | None) -> RasterLayer:
    """The raster asked for by name, else the latest one of people per cell (else of people per km²)."""
    kinds = (RasterLayer.Kind.POPULATION, RasterLayer.Kind.POPULATION_DENSITY)
    if name:
        raster = RasterLayer.objects.filter(name=name).first()
        if raster is None:
            raise BadAnalysisParameter(f"raster: no raster named {name!r} (see gisportal import-raster).")
        if raster.kind not in kinds:
            raise BadAnalysisParameter(f"raster: {name!r} is a raster of {raster.kind}, not of population.")
        return raster
    for kind in kinds:
        latest = RasterLayer.objects.filter(kind=kind).order_by("-imported_at", "-id").first()
        if latest is not None:
            return latest
    raise BadAnalysisParameter(
        "No population raster: register one with `gisportal import-raster FILE --kind population`."
    )


def coverage_raster(
    *, user: roles.User | None, kind: str, distance: float, municipality: str | None, raster: str | None
) -> Result:
    """Population within `distance` metres of a service point of a kind, read from a population raster.

    The reach is the union of geodesic buffers of the service points (in service) that touch the area (one
    municipality, or all the caller's), clipped to the area; exactextract sums the raster over the reach and
    over the whole area, cells weighted by the share of them covered (densities by the covered km²).
    """
    from etl.rasters import summarise, zone_frame  # rasterio and geopandas load only when asked

    layer = _population_raster(raster)
    if not layer.file.name or not layer.file.storage.exists(layer.file.name):
        raise BadAnalysisParameter(f"raster: the file of {layer.name!r} is missing on the server; import it again.")
    sql = f"""
        WITH area AS (
            SELECT array_agg(m.id) AS ids, min(m.code) FILTER (WHERE %(code)s::text IS NOT NULL) AS code,
                   min(m.name_fr) FILTER (WHERE %(code)s::text IS NOT NULL) AS name, ST_Union(m.boundary) AS g
            FROM layers_municipality AS m
            WHERE {SCOPED.format(column="m.id")} AND (%(code)s::text IS NULL OR m.code = %(code)s)
        ), reach AS (
            SELECT count(*) AS points, ST_Union(b.g) AS g
            FROM (SELECT ST_Buffer(sp.location::geography, %(distance)s)::geometry AS g
                  FROM layers_servicepoint AS sp WHERE sp.kind = %(kind)s AND sp.status = 'in_service') AS b
            WHERE EXISTS (SELECT 1 FROM layers_municipality AS m, area
                          WHERE m.id = ANY(area.ids) AND ST_Intersects(m.boundary, b.g))
        ), clipped AS (
            -- Polygons only: a disc touching the area at one point or along a border covers nobody.
            SELECT area.*, reach.points, ST_CollectionExtract(ST_Intersection(reach.g, area.g), 3) AS covered
            FROM area, reach
        )
        SELECT code, name, points, ST_AsBinary(g), ST_AsBinary(covered), ST_AsGeoJSON(covered, 6)
        FROM clipped WHERE g IS NOT NULL
    """  # noqa: S608
    params = {
        "municipalities": municipalities_of(user),
        "code": municipality,
        "kind": kind,
        "distance": distance,
    }
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        where = f"no municipality {municipality!r} among yours" if municipality else "no municipality among yours"
        raise BadAnalysisParameter(f"municipality: {where}.")
    code, name, points, area, covered, geometry = found
    reached = covered is not None and not shapely.from_wkb(bytes(covered)).is_empty
    zones = [bytes(area), bytes(covered)] if reached else [bytes(area)]
    totals = summarise(layer, zone_frame(list(range(len(zones))), zones, layer.crs))["total"].tolist()
    # None: no cell with data under the zone; no second zone: no service point within reach.
    population, within = (float(t or 0) for t in [*totals, 0.0][:2])
    columns = [
        "code",
        "municipality",
        "raster",
        "service_points",
        "distance_m",
        "population",
        "covered_population",
        "covered_percent",
        "geometry",
    ]
    percent = round(100 * within / population, 1) if population else None
    row = (code, name, layer.name, points, distance, round(population), round(within), percent, geometry)
    return Result(columns, [row])


def accessibility(*, user: roles.User | None, kind: str, distance: float) -> Result:
    """Two-step floating catchment (2SFCA): service capacity per 1,000 inhabitants within reach of each district.

    Step 1, per service point: its capacity (1 when unknown) over the population of the districts whose
    centre lies within `distance`. Step 2, per district: the sum of those ratios over the service points
    within `distance` of its centre. Catchments cross municipal borders, so every district counts in
    step 1; the rows returned are the caller's districts.
    """
    sql = f"""
        WITH demand AS (
            SELECT d.id, d.name, d.municipality_id, d.population, ST_PointOnSurface(d.boundary) AS centre
            FROM layers_district AS d WHERE d.population > 0
        ), supply AS (
            SELECT sp.id, sp.location,
                   coalesce(sp.capacity, 1)::float
                   / nullif((SELECT sum(population) FROM demand
                             WHERE ST_DWithin(demand.centre::geography, sp.location::geography, %(distance)s)), 0)
                   AS ratio
            FROM layers_servicepoint AS sp WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
        )
        SELECT d.id AS district_id, d.name AS district, {municipality_code("d")},
               d.population, count(s.id) AS services_within_reach,
               round((1000 * coalesce(sum(s.ratio), 0))::numeric, 4) AS capacity_per_1000
        FROM demand AS d
        LEFT JOIN supply AS s ON s.location && metres_envelope(d.centre, %(distance)s)
                             AND ST_DWithin(d.centre::geography, s.location::geography, %(distance)s)
        WHERE {SCOPED.format(column="d.municipality_id")}
        GROUP BY d.id, d.name, d.municipality_id, d.population
        ORDER BY capacity_per_1000, d.id
    """  # noqa: S608
    return _run(sql, {"municipalities": municipalities_of(user), "kind": kind, "distance": distance})


def containers_off_route(*, user: roles.User | None, distance: float) -> Result:
    """Waste containers farther than `distance` metres from every collection route, with the distance to the nearest."""
    sql = f"""
        SELECT sp.id, sp.name, {municipality_code("sp")},
               round(nearest.metres::numeric, 1) AS distance_to_route_m,
               ST_AsGeoJSON(sp.location, 6) AS geometry
        FROM layers_servicepoint AS sp
        -- `bound`: metres to the nearest route in degrees (KNN, GiST index); the nearest in metres is no farther.
        LEFT JOIN LATERAL (
            SELECT ST_Distance(r.path::geography, sp.location::geography) AS metres
            FROM layers_collectionroute AS r ORDER BY r.path <-> sp.location LIMIT 1
        ) AS bound ON TRUE
        CROSS JOIN LATERAL (
            SELECT min(ST_Distance(r.path::geography, sp.location::geography)) AS metres
            FROM layers_collectionroute AS r WHERE r.path && metres_envelope(sp.location, bound.metres)
        ) AS nearest
        WHERE sp.kind = 'waste_container' AND {SCOPED.format(column="sp.municipality_id")}
          AND NOT EXISTS (
              SELECT 1 FROM layers_collectionroute AS r
              WHERE r.path && metres_envelope(sp.location, %(distance)s)
                AND ST_DWithin(r.path::geography, sp.location::geography, %(distance)s)
          )
        ORDER BY sp.municipality_id, sp.id
    """  # noqa: S608
    return _run(sql, {"municipalities": municipalities_of(user), "distance": distance})


def districts_without_route(*, user: roles.User | None) -> Result:
    """Districts no collection route crosses."""
    sql = f"""
        SELECT d.id, d.name, {municipality_code("d")},
               d.population, ST_AsGeoJSON(d.boundary, 6) AS geometry
        FROM layers_district AS d
        WHERE {SCOPED.format(column="d.municipality_id")}
          AND NOT EXISTS (SELECT 1 FROM layers_collectionroute AS r WHERE ST_Intersects(r.path, d.boundary))
        ORDER BY d.municipality_id, d.name
    """  # noqa: S608
    return _run(sql, {"municipalities": municipalities_of(user)})


def routes_per_municipality(*, user: roles.User | None) -> Result:
    """Collection routes, their total length and their stops (service points served), per municipality."""
    sql = f"""
        SELECT m.code, m.name_fr AS municipality, count(r.id) AS routes,
               round(coalesce(sum(ST_Length(r.path::geography)), 0)::numeric / 1000, 3) AS length_km,
               coalesce(sum(stops.n), 0) AS stops
        FROM layers_municipality AS m
        LEFT JOIN layers_collectionroute AS r ON r.municipality_id = m.id
        LEFT JOIN LATERAL (
            SELECT count(*) AS n FROM layers_collectionroute_service_points AS s WHERE s.collectionroute_id = r.id
        ) AS stops ON TRUE
        WHERE {SCOPED.format(column="m.id")}
        GROUP BY m.id
        ORDER BY m.code
    """  # noqa: S608
    return _run(sql, {"municipalities": municipalities_of(user)})


def priority_ranking(*, user: roles.User | None, kind: str, start: date | None, end: date | None) -> Result:
    """Districts ranked for priority: half their deprivation score, a quarter complaints per 1,000 inhabitants
    and a quarter distance to the nearest service point of a kind (health facilities by default), the last two
    as percentile ranks (0-100) among the districts compared."""
    sql = f"""
        WITH d AS (
            SELECT d.id, d.name, d.municipality_id, d.population, d.marginalisation_score,
                   (SELECT count(*) FROM layers_complaint AS c
                    WHERE c.district_id = d.id AND {IN_PERIOD.format(column="c.created_at")}) AS complaints,
                   nearest.metres AS distance
            FROM layers_district AS d
            CROSS JOIN LATERAL ST_PointOnSurface(d.boundary) AS centre
            -- `bound`: metres to the nearest in degrees (KNN, geometry index); the nearest in metres is no farther.
            LEFT JOIN LATERAL (
                SELECT ST_Distance(sp.location::geography, centre::geography) AS metres
                FROM layers_servicepoint AS sp WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
                ORDER BY sp.location <-> centre LIMIT 1
            ) AS bound ON TRUE
            CROSS JOIN LATERAL (
                SELECT min(ST_Distance(sp.location::geography, centre::geography)) AS metres
                FROM layers_servicepoint AS sp WHERE sp.kind = %(kind)s AND sp.status = 'in_service'
                  AND sp.location && metres_envelope(centre, bound.metres)
            ) AS nearest
            WHERE {SCOPED.format(column="d.municipality_id")} AND d.marginalisation_score IS NOT NULL
        ), scored AS (
            SELECT d.*, 1000.0 * d.complaints / nullif(d.population, 0) AS per_1000,
                   100 * percent_rank() OVER (ORDER BY 1000.0 * d.complaints / nullif(d.population, 0) NULLS FIRST)
                       AS complaints_rank,
                   100 * percent_rank() OVER (ORDER BY d.distance NULLS LAST) AS access_rank
            FROM d
        )
        SELECT row_number() OVER (ORDER BY 0.5 * marginalisation_score + 0.25 * complaints_rank
                                           + 0.25 * access_rank DESC, id) AS rank,
               id AS district_id, name AS district, {municipality_code("scored")},
               population,
               round(marginalisation_score::numeric, 1) AS marginalisation_score,
               round(per_1000::numeric, 3) AS complaints_per_1000, round(distance::numeric) AS distance_m,
               round((0.5 * marginalisation_score + 0.25 * complaints_rank + 0.25 * access_rank)::numeric, 1)
                   AS priority_score
        FROM scored
        ORDER BY rank
    """  # noqa: S608
    params = {"municipalities": municipalities_of(user), "kind": kind, **_period(start, end)}
    return _run(sql, params)


KINDS = tuple(ServicePoint.Kind.values)

ANALYSES: dict[str, Analysis] = {
    a.name: a
    for a in (
        Analysis(
            "complaints-per-area",
            "Complaints per municipality or district, per 1,000 inhabitants",
            complaints_per_area,
            (
                Parameter("level", str, "municipality", "municipality or district", ("municipality", "district")),
                Parameter("by", str, "none", "split by category, status or month", tuple(GROUPINGS)),
                START,
                END,
            ),
        ),
        Analysis("resolution-times", "Time to resolve against the due date", resolution_times, (START, END)),
        Analysis(
            "hotspots",
            "Density clusters of complaints",
            hotspots,
            (
                START,
                END,
                Parameter(
                    "distance", float, 150.0, "metres between neighbouring complaints of a cluster", maximum=10_000
                ),
                Parameter("min-complaints", int, 5, "complaints needed to start a cluster", minimum=1, maximum=10_000),
            ),
        ),
        Analysis(
            "nearest-service",
            "Nearest service point of a kind, for a point or every complaint",
            nearest_service,
            (
                Parameter("kind", str, "health_facility", "type of service point", KINDS),
                Parameter("longitude", float, None, "of the point (else: every complaint)", minimum=-180, maximum=180),
                Parameter("latitude", float, None, "of the point", minimum=-90, maximum=90),
                Parameter("limit", int, 10_000, "complaints at most", minimum=1, maximum=10_000),
            ),
        ),
        Analysis(
            "coverage",
            "Population within a distance of a service type",
            coverage,
            (
                Parameter("kind", str, "health_facility", "type of service point", KINDS),
                Parameter("distance", float, 1000.0, "metres", maximum=20_000),
            ),
        ),
        Analysis(
            "coverage-raster",
            "Population within a distance of a service type, from a population raster",
            coverage_raster,
            (
                Parameter("kind", str, "health_facility", "type of service point", KINDS),
                Parameter("distance", float, 1000.0, "metres", maximum=20_000),
                Parameter("municipality", str, None, "municipality code (else: all yours)"),
                Parameter("raster", str, None, "population raster name (else: the latest)"),
            ),
        ),
        Analysis(
            "accessibility",
            "Two-step floating catchment: capacity per 1,000 inhabitants within reach",
            accessibility,
            (
                Parameter("kind", str, "health_facility", "type of service point", KINDS),
                Parameter("distance", float, 5000.0, "catchment radius in metres", maximum=50_000),
            ),
        ),
        Analysis(
            "containers-off-route",
            "Waste containers far from every collection route",
            containers_off_route,
            (Parameter("distance", float, 100.0, "metres", maximum=10_000),),
        ),
        Analysis("districts-without-route", "Districts no collection route crosses", districts_without_route),
        Analysis("routes-per-municipality", "Route length and stops per municipality", routes_per_municipality),
        Analysis(
            "priority-ranking",
            "Marginalisation priority ranking of districts",
            priority_ranking,
            (Parameter("kind", str, "health_facility", "service whose distance counts as access", KINDS), START, END),
        ),
    )
}


def run(name: str, raw: dict[str, str | None], *, user: roles.User | None) -> Result:
    """Runs one analysis by name with raw (text) parameters; BadAnalysisParameter on bad input."""
    analysis = ANALYSES.get(name)
    if analysis is None:
        raise BadAnalysisParameter(f"No analysis {name!r}. Available: {', '.join(ANALYSES)}.")
    return analysis.run(user=user, **analysis.parse(raw))
