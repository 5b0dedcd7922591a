"""Demo data: the real administrative frame and OSM service points of Tunisia, plus seeded districts,
waste collection routes and complaints for the three pilot municipalities. Same seed, same data.

The real datasets go through the ETL pipeline (etl.pipeline, with the specs in etl/mappings/); the
seeded layers stage their rows with COPY into a temporary table and are built in SQL, all in one
transaction.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from etl.pipeline import REPORTS_DIR, ImportSummary, import_file
from gisportal.paths import BASE_DIR
from layers.models import new_tracking_code

REAL = BASE_DIR / "fixtures" / "real"
SEED = 2016
# Pilot municipalities of the OGP commitments, with how many districts to seed in each.
PILOTS = {"6211": 8, "2111": 10, "3111": 12}  # Tozeur (waste), Béja (fees), Sousse (health)
# Where the demo's townspeople live: this share of the population, at this density (people per km²), in the town.
URBAN_SHARE, URBAN_DENSITY_KM2 = 0.88, 4000
# The demo's "today", fixed so that the seeded complaint dates never change.
DEMO_TODAY = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

Progress = Callable[[str], None]


def load_demo(*, seed: int = SEED, progress: Progress = print) -> None:
    """Load everything, all or nothing."""
    with transaction.atomic():
        load_governorates(progress)
        load_municipalities(progress)
        load_delegations(progress)
        load_service_points(progress)
        rng = random.Random(seed)
        for code, districts in PILOTS.items():
            seed_pilot(code, districts=districts, rng=rng, seed=seed, progress=progress)
        load_scorecards(progress)


# The real datasets, each imported through the ETL pipeline with its versioned mapping spec.
REAL_DATASETS = (
    ("governorates", REAL / "tn-municipalities-data4tunisia" / "tun_governorates.geojson", "tn-governorates"),
    ("municipalities", REAL / "tn-municipalities-data4tunisia" / "tun_municipalities.geojson", "tn-municipalities"),
    ("delegations", REAL / "tn-admin-riatelab" / "TN-delegations.geojson", "tn-delegations"),
    ("service-points", REAL / "tn-osm-poi-2019" / "tunisia_municipal_services_2019.geojson", "tn-osm-services"),
)


# The tables citizens read: Bou Arada's budget and its execution, the national performance evaluation.
BOUARADA = REAL / "tn-municipal-budget-bouarada"
PERFORMANCE = REAL / "tn-municipal-performance"
SCORECARDS = (
    ("budget-lines", BOUARADA / "recette_simple_34012_v2.csv", "tn-budget-revenue"),
    ("budget-lines", BOUARADA / "depense_simple_34012_v2.csv", "tn-budget-expense"),
    ("budget-executions", BOUARADA / "Depence_2018_34012.csv", "tn-budget-expense-execution-2018"),
    ("performance-criteria", PERFORMANCE / "criteria.csv", "tn-performance-criteria"),
    ("performance-scores", PERFORMANCE / "evaluations.csv", "tn-performance-scores"),
)


def _import(layer: str, path: Path, spec: str) -> ImportSummary:
    return import_file(path, layer=layer, mapping=spec, report=REPORTS_DIR / f"demo-{layer}-report.csv")


def load_governorates(progress: Progress) -> None:
    summary = _import(*REAL_DATASETS[0])
    progress(f"{summary.imported} governorates imported, {summary.repaired} invalid boundaries repaired")


def load_municipalities(progress: Progress) -> None:
    summary = _import(*REAL_DATASETS[1])
    # Exact duplicate features (Gafsa's 13) count once; split parts (Bizerte, Kerkennah, …) are dissolved.
    progress(
        f"{summary.imported} municipalities imported from {summary.read} features: "
        f"{summary.dropped} exact duplicates dropped, {summary.dissolved} split parts dissolved"
    )


def load_delegations(progress: Progress) -> None:
    _import(*REAL_DATASETS[2])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(population_2014) FROM layers_delegation")
        count, population = cursor.fetchone()
    progress(f"{count} delegations imported, census population {population:,}")


def load_service_points(progress: Progress) -> None:
    summary = _import(*REAL_DATASETS[3])
    progress(
        f"{summary.imported} OpenStreetMap service points imported, "
        f"{summary.rejected} outside every municipality dropped"
    )


def load_scorecards(progress: Progress) -> None:
    imported = {layer: 0 for layer, _, _ in SCORECARDS}
    for layer, path, spec in SCORECARDS:
        imported[layer] += _import(layer, path, spec).imported
    progress(
        f"Bou Arada: {imported['budget-lines']} budget lines, {imported['budget-executions']} executed; "
        f"{imported['performance-scores']} performance scores on {imported['performance-criteria']} criteria"
    )


def seed_pilot(code: str, *, districts: int, rng: random.Random, seed: int, progress: Progress) -> None:
    """Generated districts, containers, collection routes and complaints for one municipality."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name_fr, population FROM layers_municipality WHERE code = %s", [code])
        municipality_id, name, population = cursor.fetchone()
        _seed_districts(cursor, municipality_id, name, population or 10_000, districts, rng, seed)
        containers = _seed_containers(cursor, municipality_id, code, districts * 8, rng, seed)
        routes = _seed_routes(cursor, municipality_id, rng)
        complaints = _seed_complaints(cursor, municipality_id, districts * 20, rng, seed)
    progress(
        f"{name}: {districts} districts, {containers} waste containers, {routes} collection routes, "
        f"{complaints} complaints generated"
    )


def _seed_districts(
    cursor: CursorWrapper, municipality_id: int, name: str, population: int, count: int, rng: random.Random, seed: int
) -> None:
    # Where people live: urban sectors (Voronoi cells of seeded points) in a disc around the town, the size of
    # its population at an urban density, and the rest of the municipality (oases, steppe) one rural sector
    # with few people. Spread evenly over the whole municipality instead, a town's population lands mostly in
    # the desert, and an analysis by district (coverage within 1 km of a pharmacy) finds almost nobody.
    # The town: the OpenStreetMap point with most others within a kilometre.
    radius_m = max(1500.0, 1000 * math.sqrt(URBAN_SHARE * population / URBAN_DENSITY_KM2 / math.pi))
    cursor.execute(
        """WITH m AS (SELECT boundary FROM layers_municipality WHERE id = %(id)s),
                town AS (SELECT coalesce((
                    SELECT sp.location FROM layers_servicepoint sp
                     WHERE sp.municipality_id = %(id)s AND sp.osm_id IS NOT NULL
                     ORDER BY (SELECT count(*) FROM layers_servicepoint o
                                WHERE o.municipality_id = %(id)s AND o.osm_id IS NOT NULL
                                  AND ST_DWithin(o.location::geography, sp.location::geography, 1000)) DESC, sp.id
                     LIMIT 1), ST_PointOnSurface(m.boundary)) AS centre FROM m)
           SELECT ST_AsBinary(ST_Multi(ST_CollectionExtract(
                      ST_Intersection(m.boundary, ST_Buffer(town.centre::geography, %(radius)s)::geometry), 3))),
                  NOT ST_IsEmpty(ST_CollectionExtract(ST_Difference(
                      m.boundary, ST_Buffer(town.centre::geography, %(radius)s)::geometry), 3))
           FROM m, town""",
        {"id": municipality_id, "radius": radius_m},
    )
    urban_wkb, has_countryside = cursor.fetchone()
    cursor.execute(
        """WITH m AS (SELECT boundary FROM layers_municipality WHERE id = %(id)s),
                urban AS (SELECT ST_GeomFromWKB(%(urban)s, 4326) AS g),
                cell AS (SELECT (ST_Dump(ST_VoronoiPolygons(ST_GeneratePoints(urban.g, %(n)s, %(seed)s),
                                                            0, urban.g))).geom AS geom FROM urban),
                sector AS (
                    SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(cell.geom, urban.g), 3)) AS geom,
                           false AS rural
                      FROM cell, urban
                    UNION ALL
                    SELECT ST_Multi(ST_CollectionExtract(ST_Difference(m.boundary, urban.g), 3)), true
                      FROM m, urban WHERE %(countryside)s)
           SELECT ST_AsBinary(geom), rural FROM sector
           ORDER BY ST_Y(ST_PointOnSurface(geom)) DESC, ST_X(ST_PointOnSurface(geom))""",
        {
            "id": municipality_id,
            "urban": bytes(urban_wkb),
            "n": count - 1 if has_countryside else count,
            "seed": seed,
            "countryside": has_countryside,
        },
    )
    cells = cursor.fetchall()
    weights = [rng.uniform(0.5, 1.5) for _ in cells]
    urban_weights = sum(w for (_wkb, rural), w in zip(cells, weights, strict=True) if not rural)
    rural_share = (1 - URBAN_SHARE) if has_countryside else 0.0
    rows = []
    for number, ((wkb, rural), weight) in enumerate(zip(cells, weights, strict=True), start=1):
        people = population * rural_share if rural else population * (1 - rural_share) * weight / urban_weights
        rows.append(
            (
                municipality_id,
                f"{name} — secteur {number:02d}",
                f"حي {number}",
                "rural" if rural else "urban",
                round(people),
                round(rng.uniform(8, 45 if rural else 30), 1),
                round(rng.uniform(8, 35), 1),
                round(rng.uniform(60 if rural else 85, 100), 1),
                round(rng.uniform(20 if rural else 60, 100), 1),
                round(rng.uniform(30 if rural else 70, 100), 1),
                bytes(wkb),
            )
        )
    cursor.executemany(
        """INSERT INTO layers_district (municipality_id, name, name_ar, kind, population, poverty_rate,
               unemployment_rate, water_access_rate, sanitation_access_rate, waste_collection_rate, is_priority,
               boundary)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, false, ST_GeomFromWKB(%s, 4326))""",
        rows,
    )
    # The most marginalised quarter of the districts get priority.
    cursor.execute(
        """UPDATE layers_district d SET is_priority = ranked.share <= 0.25
           FROM (SELECT id, percent_rank() OVER (ORDER BY marginalisation_score DESC) AS share
                 FROM layers_district WHERE municipality_id = %s) AS ranked
           WHERE d.id = ranked.id""",
        [municipality_id],
    )


def _rural_containers(cursor: CursorWrapper, municipality_id: int, count: int) -> int:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM layers_district WHERE municipality_id = %s AND kind = 'rural')", [municipality_id]
    )
    return count // 8 if cursor.fetchone()[0] else 0


def _seed_containers(
    cursor: CursorWrapper, municipality_id: int, code: str, count: int, rng: random.Random, seed: int
) -> int:
    cursor.execute(
        """INSERT INTO layers_servicepoint (municipality_id, kind, name, status, capacity, opening_hours, location)
           SELECT %(id)s, 'waste_container', 'Conteneur ' || %(code)s || '-' || lpad(n::text, 3, '0'),
                  'in_service', (ARRAY[660, 770, 1100])[1 + (n %% 3)], '', geom
           FROM (SELECT geom, row_number() OVER (ORDER BY ST_Y(geom) DESC, ST_X(geom)) AS n
                 FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Union(d.boundary),
                                                         CASE WHEN d.kind = 'rural' THEN %(rural)s ELSE %(urban)s END,
                                                         %(seed)s))).geom
                         FROM layers_district d
                        WHERE d.municipality_id = %(id)s AND (d.kind <> 'rural' OR %(rural)s > 0)
                        GROUP BY d.kind) AS points) AS point""",
        # Containers where people live: most in the town, an eighth in the countryside (when it has one).
        {
            "id": municipality_id,
            "code": code,
            "urban": count - _rural_containers(cursor, municipality_id, count),
            "rural": _rural_containers(cursor, municipality_id, count),
            "seed": seed,
        },
    )
    # A few containers are broken: the status is worth seeing on the map.
    cursor.execute(
        """UPDATE layers_servicepoint SET status = 'out_of_service'
           WHERE id IN (SELECT id FROM layers_servicepoint WHERE municipality_id = %s AND kind = 'waste_container'
                        ORDER BY name LIMIT %s)""",
        [municipality_id, rng.randint(1, 3)],
    )
    return count


SERVICE_DAYS = ([1, 3, 5], [2, 4, 6], [1, 2, 3, 4, 5, 6], [1, 4], [2, 5], [3, 6])
TIME_WINDOWS = (("06:00", "10:00"), ("20:00", "23:30"), ("05:30", "09:30"))


def _seed_routes(cursor: CursorWrapper, municipality_id: int, rng: random.Random) -> int:
    # One round per district through its containers, in order of bearing from the centre: a closed loop.
    cursor.execute(
        """SELECT d.id, d.name, array_agg(p.id ORDER BY ST_Azimuth(ST_Centroid(d.boundary), p.location)),
                  ST_AsBinary(ST_Multi(ST_AddPoint(
                      ST_MakeLine(p.location ORDER BY ST_Azimuth(ST_Centroid(d.boundary), p.location)),
                      (array_agg(p.location ORDER BY ST_Azimuth(ST_Centroid(d.boundary), p.location)))[1])))
           FROM layers_district d
           JOIN layers_servicepoint p ON p.kind = 'waste_container' AND ST_Intersects(d.boundary, p.location)
           WHERE d.municipality_id = %s
           GROUP BY d.id, d.name HAVING count(*) >= 2
           ORDER BY d.name""",
        [municipality_id],
    )
    rounds = cursor.fetchall()
    for number, (_district_id, district_name, stops, wkb) in enumerate(rounds, start=1):
        starts_at, ends_at = rng.choice(TIME_WINDOWS)
        cursor.execute(
            """INSERT INTO layers_collectionroute (municipality_id, name, service_days, frequency, starts_at,
                   ends_at, vehicle, path)
               VALUES (%s, %s, %s, 'weekly', %s, %s, %s, ST_GeomFromWKB(%s, 4326)) RETURNING id""",
            [
                municipality_id,
                f"Tournée {district_name.split('—')[-1].strip()}",
                rng.choice(SERVICE_DAYS),
                starts_at,
                ends_at,
                f"Camion benne 12 m³ n° {number}",
                bytes(wkb),
            ],
        )
        (route_id,) = cursor.fetchone()
        cursor.executemany(
            "INSERT INTO layers_collectionroute_service_points (collectionroute_id, servicepoint_id) VALUES (%s, %s)",
            [(route_id, stop) for stop in stops],
        )
    return len(rounds)


CATEGORY_WEIGHTS = {
    "waste": 30,
    "illegal_dumping": 15,
    "roads": 15,
    "lighting": 12,
    "water": 10,
    "green_spaces": 5,
    "noise": 5,
    "building": 4,
    "other": 4,
}
STATUS_WEIGHTS = {
    "submitted": 20,
    "acknowledged": 15,
    "in_progress": 15,
    "resolved": 30,
    "closed_without_fix": 5,
    "duplicate": 5,
    "rejected": 3,
    "reopened": 7,
}
DESCRIPTIONS = {
    "waste": ["Le conteneur n'a pas été vidé depuis plusieurs jours.", "لم يتم رفع الفضلات منذ أسبوع"],
    "illegal_dumping": ["Dépôt sauvage de gravats au bord de la route.", "مصب عشوائي للفضلات قرب المدرسة"],
    "roads": ["Nid-de-poule dangereux devant la pharmacie.", "حفرة كبيرة في الطريق"],
    "lighting": ["Lampadaire éteint depuis un mois.", "الإنارة العمومية معطلة في الشارع"],
    "water": ["Fuite d'eau sur la chaussée.", "تسرب مياه في الطريق"],
    "green_spaces": ["Le jardin public n'est plus entretenu.", "الحديقة العمومية مهملة"],
    "noise": ["Bruit nocturne d'un chantier.", "ضجيج ليلي متواصل"],
    "building": ["Construction sans permis apparent.", "بناء فوضوي دون رخصة"],
    "other": ["Chiens errants dans le quartier.", "كلاب سائبة في الحي"],
}


def _seed_complaints(cursor: CursorWrapper, municipality_id: int, count: int, rng: random.Random, seed: int) -> int:
    cursor.execute(
        """SELECT ST_AsBinary(geom) FROM ST_Dump(ST_GeneratePoints(
               (SELECT boundary FROM layers_municipality WHERE id = %s), %s, %s)) ORDER BY ST_Y(geom), ST_X(geom)""",
        [municipality_id, count, seed + 1],
    )
    points = [bytes(wkb) for (wkb,) in cursor.fetchall()]
    categories, statuses = list(CATEGORY_WEIGHTS), list(STATUS_WEIGHTS)
    rows = []
    for wkb in points:
        category = rng.choices(categories, weights=list(CATEGORY_WEIGHTS.values()))[0]
        reported = DEMO_TODAY - timedelta(minutes=rng.randint(0, 180 * 24 * 60))
        rows.append(
            (
                new_tracking_code(rng),
                category,
                rng.choice(DESCRIPTIONS[category]),
                rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0],
                reported,
                reported + timedelta(hours=rng.randint(0, 24 * 20)),
                wkb,
            )
        )
    _stage(
        cursor,
        "staged_complaint",
        "tracking_code text, category text, description text, status text, created_at timestamptz, "
        "updated_at timestamptz, wkb bytea",
        rows,
    )
    cursor.execute(
        """INSERT INTO layers_complaint (tracking_code, municipality_id, district_id, category, description,
                status, reporter_name, reporter_contact, created_at, updated_at, location)
            SELECT c.tracking_code, %s, d.id, c.category, c.description, c.status, '', '',
                   c.created_at, least(c.updated_at, %s), c.geom
            FROM (SELECT *, ST_GeomFromWKB(wkb, 4326) AS geom FROM staged_complaint) AS c
            LEFT JOIN layers_district d ON d.municipality_id = %s AND ST_Intersects(d.boundary, c.geom)""",
        [municipality_id, DEMO_TODAY, municipality_id],
    )
    return cursor.rowcount


def _stage(cursor: CursorWrapper, table: str, columns: str, rows: Iterable[Sequence]) -> None:
    """COPY rows into a temporary table that lives until the end of the transaction."""
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
