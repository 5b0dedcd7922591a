"""Synthetic streets for the pilots (Tozeur, Béja, Sousse) where no OpenStreetMap extract was imported: a seeded
grid of streets clipped to the municipal boundary, a few of them one way and a few avenues, and a service lane from
each seeded container to the nearest crossing. Marked synthetic in the data (`RoadNetwork.synthetic_seed`, no OSM
id, names saying so) and on the planner's page. Same seed, same streets."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import connection, transaction

from etl.demo import PILOTS, SEED
from gisportal.routing import network
from gisportal.routing.models import RoadNetwork
from layers.models import Municipality

# About this many grid cells per municipality, streets no closer than this (metres).
CELLS = 2500
MIN_SPACING_M = 250
ONE_WAY_SHARE = 0.2
AVENUE_EVERY = 5

GRID_SQL = """
WITH m AS (SELECT ST_Transform(boundary, 32632) AS b, boundary FROM layers_municipality WHERE id = %(id)s),
box AS (SELECT ST_XMin(b) AS x0, ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1, boundary,
               greatest(%(min)s, sqrt(ST_Area(b) / %(cells)s)) AS step FROM m),
xs AS (SELECT x0 + i * step AS x, i FROM box, generate_series(0, ceil((x1 - x0) / step)::int) i),
ys AS (SELECT y0 + j * step AS y, j FROM box, generate_series(0, ceil((y1 - y0) / step)::int) j),
line AS (
    SELECT 'h' AS axis, j AS n, ST_MakeLine(ST_MakePoint(x, y) ORDER BY x) AS geom FROM xs, ys GROUP BY j
    UNION ALL
    SELECT 'v', i, ST_MakeLine(ST_MakePoint(x, y) ORDER BY y) FROM xs, ys GROUP BY i
)
SELECT axis, n, ST_AsBinary(ST_Multi(clipped))
  FROM line, box,
       LATERAL ST_CollectionExtract(ST_Intersection(ST_Transform(ST_SetSRID(line.geom, 32632), 4326), box.boundary), 2)
       AS clipped
 WHERE NOT ST_IsEmpty(clipped)
 ORDER BY axis, n
"""

# A lane from each container to the nearest crossing of two grid streets inside the boundary.
LANES_SQL = """
WITH m AS (SELECT ST_Transform(boundary, 32632) AS b FROM layers_municipality WHERE id = %(id)s),
box AS (SELECT ST_XMin(b) AS x0, ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1, b,
               greatest(%(min)s, sqrt(ST_Area(b) / %(cells)s)) AS step FROM m),
crossing AS MATERIALIZED (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(x0 + i * step, y0 + j * step), 32632), 4326) AS geom
      FROM box, generate_series(0, ceil((x1 - x0) / step)::int) i, generate_series(0, ceil((y1 - y0) / step)::int) j
     WHERE ST_Intersects(ST_SetSRID(ST_MakePoint(x0 + i * step, y0 + j * step), 32632), b)
)
SELECT p.name, ST_AsBinary(ST_Multi(ST_MakeLine(p.location, c.geom)))
  FROM layers_servicepoint p
 CROSS JOIN LATERAL (SELECT geom FROM crossing ORDER BY geom <-> p.location LIMIT 1) c
 WHERE p.municipality_id = %(id)s AND p.kind = 'waste_container' AND NOT ST_Equals(p.location, c.geom)
 ORDER BY p.id
"""


@transaction.atomic
def seed_streets(municipality: Municipality, *, seed: int = SEED) -> RoadNetwork:
    rng = random.Random(f"{seed}-{municipality.code}")  # noqa: S311 (demo data, reproducible)
    params = {"id": municipality.pk, "min": MIN_SPACING_M, "cells": CELLS}
    with connection.cursor() as cursor:
        # Only the synthetic streets of an earlier seed go; surveyed streets are never touched.
        cursor.execute(
            "DELETE FROM etl_roadsegment WHERE municipality_id = %s AND osm_id IS NULL AND name LIKE %s",
            [params["id"], "% synthétique %"],
        )
        cursor.execute(GRID_SQL, params)
        rows = []
        for axis, n, wkb in cursor.fetchall():
            avenue = n % AVENUE_EVERY == 0
            name = f"{'Avenue' if avenue else 'Rue'} synthétique {axis.upper()}{n:03d}"
            oneway = not avenue and rng.random() < ONE_WAY_SHARE
            rows.append((name, "secondary" if avenue else "residential", oneway, bytes(wkb)))
        cursor.execute(LANES_SQL, params)
        rows += [(f"Accès synthétique {name}", "service", False, bytes(wkb)) for name, wkb in cursor.fetchall()]
        cursor.executemany(
            """INSERT INTO etl_roadsegment (municipality_id, name, highway, oneway, path)
               VALUES (%s, %s, %s, %s, ST_GeomFromWKB(%s, 4326))""",
            [(municipality.pk, *row) for row in rows],
        )
    RoadNetwork.objects.update_or_create(municipality=municipality, defaults={"synthetic_seed": seed})
    return network.ensure_network(municipality)


def load_demo_streets(*, seed: int = SEED, progress: Callable[[str], None] = print) -> None:
    for code in PILOTS:
        municipality = Municipality.objects.get(code=code)
        if municipality.road_segments.filter(osm_id__isnull=False).exists():
            progress(f"{municipality.name_fr}: OpenStreetMap roads imported, no synthetic streets added")
            continue
        built = seed_streets(municipality, seed=seed)
        progress(
            f"{municipality.name_fr}: {built.segments} synthetic streets, {built.nodes} crossings, {built.edges} "
            f"edges, {built.components} parts ({built.island_edges} edges outside the main one), "
            f"built in {built.build_seconds:.1f} s"
        )
