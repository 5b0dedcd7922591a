"""The routing graph in PostGIS/pgRouting: built from a municipality's road segments, containers snapped to it,
travel matrices computed in the database and cached per network version.

Nodes are the vertices where segments meet (OSM ways share their intersection nodes) and the ends of segments;
each segment is cut at its nodes. A one-way segment is a directed edge (reverse cost -1). The cost is the time
at the road class's speed (`GISPORTAL_ROAD_SPEEDS_KMH`), never above the posted limit.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gisportal.routing import conf
from gisportal.routing.models import RoadNetwork, TravelMatrix
from layers.models import Municipality

# Vertices closer than this (degrees, about 1 cm) are one node.
GRID = 1e-7

SIGNATURE_SQL = """
    SELECT count(*), coalesce(md5(string_agg(concat_ws('|', id, highway, oneway, maxspeed, md5(ST_AsBinary(path))),
                                             ',' ORDER BY id)), ''),
           bool_and(osm_id IS NULL)
      FROM etl_roadsegment WHERE municipality_id = %s"""

# Segments cut at their nodes: a vertex is a node if it ends its line or several vertices share its place.
EDGES_SQL = """
WITH line AS (
    SELECT s.id AS segment_id, s.highway, s.oneway, s.maxspeed, d.path[1] AS part, d.geom
      FROM etl_roadsegment s, ST_Dump(s.path) d
     WHERE s.municipality_id = %(municipality)s AND ST_NPoints(d.geom) >= 2
), vertex AS (
    SELECT l.segment_id, l.part, p.path[1] AS idx, p.geom, ST_AsBinary(ST_SnapToGrid(p.geom, %(grid)s)) AS key,
           p.path[1] IN (1, ST_NPoints(l.geom)) AS is_end
      FROM line l, ST_DumpPoints(l.geom) p
), node_key AS (
    SELECT key FROM vertex GROUP BY key HAVING bool_or(is_end) OR count(*) > 1
), new_node AS (
    INSERT INTO routing_roadnode (network_id, component, routable, location)
    SELECT %(network)s, 0, false, ST_SetSRID(ST_GeomFromWKB(key), 4326) FROM node_key
    RETURNING id, location
), flagged AS (
    SELECT v.*, n.id AS node_id,
           sum((n.id IS NOT NULL)::int) OVER (PARTITION BY v.segment_id, v.part ORDER BY v.idx) AS piece
      FROM vertex v LEFT JOIN new_node n ON ST_AsBinary(n.location) = v.key
), piece_vertex AS (
    SELECT segment_id, part, piece, idx, geom, node_id FROM flagged
    UNION ALL
    SELECT segment_id, part, piece - 1, idx, geom, node_id FROM flagged WHERE node_id IS NOT NULL AND piece > 1
), piece AS (
    SELECT segment_id, part, piece, ST_MakeLine(geom ORDER BY idx) AS geom,
           (array_agg(node_id ORDER BY idx))[1] AS source, (array_agg(node_id ORDER BY idx DESC))[1] AS target
      FROM piece_vertex GROUP BY segment_id, part, piece HAVING count(*) >= 2
)
INSERT INTO routing_roadedge (network_id, segment_id, source, target, length_m, cost_s, reverse_cost_s, routable, path)
SELECT %(network)s, p.segment_id, p.source, p.target, m.metres,
       m.metres / m.speed, CASE WHEN l.oneway THEN -1 ELSE m.metres / m.speed END, false, p.geom
  FROM piece p
  JOIN etl_roadsegment l ON l.id = p.segment_id,
       LATERAL (SELECT ST_Length(p.geom::geography) AS metres,
                       least(coalesce((%(speeds)s::jsonb ->> l.highway)::float, %(default_speed)s),
                             coalesce(l.maxspeed, 1000)) / 3.6 AS speed) m
 WHERE p.source IS NOT NULL AND p.target IS NOT NULL AND p.source <> p.target
"""

EDGES_OF = (
    "SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM routing_roadedge "
    "WHERE network_id = {network}"
)


def ensure_network(municipality: Municipality) -> RoadNetwork:
    """The municipality's network, rebuilt only if its road segments changed since it was built."""
    network, _ = RoadNetwork.objects.get_or_create(municipality=municipality)
    with connection.cursor() as cursor:
        cursor.execute(SIGNATURE_SQL, [municipality.pk])
        count, signature, all_synthetic = cursor.fetchone()
    if network.built_at is not None and network.signature == signature:
        return network
    return build_network(network, signature=signature, segments=count, keep_synthetic=bool(all_synthetic))


@transaction.atomic
def build_network(network: RoadNetwork, *, signature: str, segments: int, keep_synthetic: bool) -> RoadNetwork:
    """Rebuild the graph of one municipality in SQL, with its strongly connected parts: the largest is routable,
    the others are islands (reported), and containers snap only to the routable part."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM routing_roadedge WHERE network_id = %s", [network.pk])
        cursor.execute("DELETE FROM routing_roadnode WHERE network_id = %s", [network.pk])
        cursor.execute(
            EDGES_SQL,
            {
                "municipality": network.municipality_id,
                "network": network.pk,
                "grid": GRID,
                "speeds": json.dumps(conf.road_speeds_kmh()),
                "default_speed": conf.DEFAULT_ROAD_SPEED_KMH,
            },
        )
        edges = cursor.rowcount
        # Nodes cut from segments that produced no edge (degenerate) are dropped.
        cursor.execute(
            """DELETE FROM routing_roadnode n WHERE network_id = %(n)s AND NOT EXISTS (
                   SELECT 1 FROM routing_roadedge e WHERE e.network_id = %(n)s AND n.id IN (e.source, e.target))""",
            {"n": network.pk},
        )
        components = 0
        if edges:
            cursor.execute(
                """WITH part AS (SELECT node, component FROM pgr_strongComponents(%s)),
                        largest AS (SELECT component FROM part GROUP BY component ORDER BY count(*) DESC, component
                                     LIMIT 1)
                   UPDATE routing_roadnode n SET component = part.component,
                          routable = part.component = (SELECT component FROM largest)
                     FROM part WHERE n.id = part.node""",
                [EDGES_OF.format(network=int(network.pk))],
            )
            cursor.execute(
                """UPDATE routing_roadedge e SET routable = true FROM routing_roadnode a, routing_roadnode b
                    WHERE e.network_id = %s AND a.id = e.source AND b.id = e.target AND a.routable AND b.routable""",
                [network.pk],
            )
            cursor.execute("SELECT count(DISTINCT component) FROM routing_roadnode WHERE network_id = %s", [network.pk])
            (components,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT routable) FROM routing_roadedge WHERE network_id = %s",
            [network.pk],
        )
        edges, islands = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM routing_roadnode WHERE network_id = %s", [network.pk])
        (nodes,) = cursor.fetchone()
    network.version += 1
    network.signature = signature
    network.segments = segments
    network.nodes, network.edges, network.components, network.island_edges = nodes, edges, components, islands
    if not keep_synthetic:
        network.synthetic_seed = None
    network.built_at = timezone.now()
    network.build_seconds = time.monotonic() - started
    network.save()
    return network


@dataclass(frozen=True)
class Snap:
    """Where a point joins the routable network: the nearer end of its nearest routable edge."""

    point_id: int
    node_id: int | None
    distance_m: float | None


def snap_points(network: RoadNetwork, points: list[tuple[int, float, float]]) -> list[Snap]:
    """Snap (id, lon, lat) points to the nearest routable edge (distance on the spheroid, to the edge)."""
    if not points:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, e.node, e.metres
                 FROM unnest(%(ids)s::bigint[], %(lons)s::float[], %(lats)s::float[]) AS p(id, lon, lat)
                 CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS here) h
                 LEFT JOIN LATERAL (
                     SELECT CASE WHEN ST_LineLocatePoint(path, h.here) < 0.5 THEN source ELSE target END AS node,
                            ST_Distance(path::geography, h.here::geography) AS metres
                       FROM routing_roadedge WHERE network_id = %(network)s AND routable
                      ORDER BY path <-> h.here LIMIT 1) e ON true
                ORDER BY p.id""",
            {
                "ids": [p[0] for p in points],
                "lons": [p[1] for p in points],
                "lats": [p[2] for p in points],
                "network": network.pk,
            },
        )
        found = {row[0]: Snap(row[0], row[1], row[2]) for row in cursor.fetchall()}
    return [found[p[0]] for p in points]


def travel_matrix(network: RoadNetwork, node_ids: list[int]) -> TravelMatrix:
    """Times and distances between the nodes (in this order, repeats allowed), by one-to-many Dijkstra in the
    database on the directed graph; cached for this network version."""
    distinct = sorted(set(node_ids))
    key = hashlib.md5(json.dumps(distinct).encode(), usedforsecurity=False).hexdigest()
    cached = TravelMatrix.objects.filter(network=network, version=network.version, key=key).first()
    if cached is None:
        cached = _compute_matrix(network, distinct, key)
    position = {node: i for i, node in enumerate(cached.node_ids)}
    order = [position[node] for node in node_ids]
    return TravelMatrix(
        network=network,
        version=cached.version,
        key=cached.key,
        node_ids=node_ids,
        durations=[[cached.durations[i][j] for j in order] for i in order],
        distances=[[cached.distances[i][j] for j in order] for i in order],
        build_seconds=cached.build_seconds,
    )


def _compute_matrix(network: RoadNetwork, nodes: list[int], key: str) -> TravelMatrix:
    started = time.monotonic()
    size = len(nodes)
    position = {node: i for i, node in enumerate(nodes)}
    durations = [[0.0 if i == j else math.inf for j in range(size)] for i in range(size)]
    distances = [[0.0 if i == j else math.inf for j in range(size)] for i in range(size)]
    if size > 1:
        # One Dijkstra per source on time; the distance is summed along the same fastest path.
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT d.start_vid, d.end_vid, sum(d.cost), sum(e.length_m)
                     FROM pgr_dijkstra(%s, %s::bigint[], %s::bigint[], directed => true) d
                     JOIN routing_roadedge e ON e.id = d.edge
                    GROUP BY d.start_vid, d.end_vid""",
                [EDGES_OF.format(network=int(network.pk)) + " AND routable", nodes, nodes],
            )
            for start, end, seconds, metres in cursor.fetchall():
                durations[position[start]][position[end]] = float(seconds)
                distances[position[start]][position[end]] = float(metres)
    matrix, _ = TravelMatrix.objects.get_or_create(
        network=network,
        version=network.version,
        key=key,
        defaults={
            "node_ids": nodes,
            "durations": _finite(durations),
            "distances": _finite(distances),
            "build_seconds": time.monotonic() - started,
        },
    )
    return matrix


def _finite(rows: list[list[float]]) -> list[list[float | None]]:
    """JSON has no infinity: an unreachable pair is null."""
    return [[None if math.isinf(v) else round(v, 1) for v in row] for row in rows]


def geodesic_matrix(points: list[tuple[float, float]]) -> tuple[list[list[float]], list[list[float]]]:
    """Without a street network: distance on the sphere x the detour factor, at the fallback speed. Every result
    computed from it is labelled as such (`OptimisationRun.Method.GEODESIC`)."""
    factor = conf.DETOUR_FACTOR
    speed = conf.FALLBACK_SPEED_KMH / 3.6
    distances = [[factor * _haversine(a, b) for b in points] for a in points]
    durations = [[metres / speed for metres in row] for row in distances]
    return durations, distances


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def path_between(network: RoadNetwork, legs: list[tuple[int, int]]) -> str | None:
    """The streets driven along consecutive legs (node pairs), as one GeoJSON MultiLineString."""
    legs = [(a, b) for a, b in legs if a != b]
    if not legs:
        return None
    pairs = ", ".join(f"({int(a)}, {int(b)})" for a, b in legs)
    combinations = f"SELECT * FROM (VALUES {pairs}) AS c(source, target)"  # noqa: S608 (integers only)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_AsGeoJSON(ST_Multi(ST_Collect(e.path ORDER BY leg.n, d.path_seq)), 6)
                 FROM pgr_dijkstra(%s, %s, directed => true) d
                 JOIN unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS leg(s, t, n)
                   ON leg.s = d.start_vid AND leg.t = d.end_vid
                 JOIN routing_roadedge e ON e.id = d.edge""",
            [
                EDGES_OF.format(network=int(network.pk)) + " AND routable",
                combinations,
                [a for a, _ in legs],
                [b for _, b in legs],
            ],
        )
        (geojson,) = cursor.fetchone()
    return geojson
