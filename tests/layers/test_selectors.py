"""Routing by geometry and metric distance queries."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from layers import selectors
from layers.models import Complaint, Municipality, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, square


def test_a_point_is_routed_to_the_municipality_it_lies_in(tozeur, beja):
    assert selectors.municipality_at(Point(*BEJA_CENTRE, srid=4326)) == beja.municipality
    assert selectors.municipality_at(Point(*TOZEUR_CENTRE, srid=4326)) == tozeur.municipality
    assert selectors.municipality_at(Point(10.8, 37.5, srid=4326)) is None  # at sea, off Cap Bon


def test_where_boundaries_overlap_the_deepest_one_wins(tozeur):
    lon, lat = TOZEUR_CENTRE
    # A neighbour whose boundary overlaps Tozeur's eastern edge by 0.004°.
    neighbour = Municipality.objects.create(
        code="6299",
        name_fr="Voisine",
        name_ar="Voisine",
        governorate=tozeur.municipality.governorate,
        boundary=square(lon + 0.036, lat),
    )
    near_tozeur_side = Point(lon + 0.0175, lat, srid=4326)
    near_neighbour_side = Point(lon + 0.0195, lat, srid=4326)
    assert selectors.municipality_at(near_tozeur_side) == tozeur.municipality
    assert selectors.municipality_at(near_neighbour_side) == neighbour


def test_district_is_found_inside_the_municipality(tozeur):
    assert selectors.district_at(tozeur.municipality, tozeur.complaint.location) == tozeur.district
    assert selectors.district_at(tozeur.municipality, Point(TOZEUR_CENTRE[0] + 0.015, TOZEUR_CENTRE[1])) is None


def test_within_metres_measures_on_the_ground(tozeur):
    lon, lat = TOZEUR_CENTRE
    # 0.001° of longitude at 34° N is about 92 m.
    near = ServicePoint.objects.create(
        municipality=tozeur.municipality,
        kind="waste_container",
        location=Point(lon + 0.001, lat, srid=4326),
    )
    far = ServicePoint.objects.create(
        municipality=tozeur.municipality,
        kind="waste_container",
        location=Point(lon + 0.01, lat, srid=4326),
    )
    found = set(selectors.within_metres(ServicePoint.objects.all(), "location", Point(lon, lat, srid=4326), 100))
    assert found == {tozeur.container, near}
    assert far not in found


def metres_away(lon: float, lat: float, metres: float, azimuth: float) -> Point:
    """The point `metres` from (lon, lat) on the spheroid towards `azimuth` (degrees from north)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g)"
            " FROM (SELECT ST_Project(ST_MakePoint(%s, %s)::geography, %s, radians(%s))::geometry) AS projected(g)",
            [lon, lat, metres, azimuth],
        )
        x, y = cursor.fetchone()
        return Point(x, y, srid=4326)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [TOZEUR_CENTRE, (24.94, 60.17), (179.9995, -16.5), (10.0, 89.9995)],
    ids=["tozeur", "60N", "antimeridian", "north-pole"],
)
def test_within_metres_is_exact_at_the_radius(lon, lat, tozeur):
    def container(metres: float, azimuth: float) -> ServicePoint:
        location = metres_away(lon, lat, metres, azimuth)
        return ServicePoint.objects.create(municipality=tozeur.municipality, kind="waste_container", location=location)

    # Across the antimeridian and over the pole, some of these lie on the other side of the map.
    inside = {container(99, azimuth) for azimuth in range(0, 360, 45)}
    outside = {container(101, azimuth) for azimuth in range(0, 360, 45)}
    candidates = ServicePoint.objects.filter(pk__in=[p.pk for p in inside | outside])
    assert set(selectors.within_metres(candidates, "location", Point(lon, lat, srid=4326), 100)) == inside


@pytest.fixture
def crowded_tozeur(tozeur):
    """Enough service points and complaints in Tozeur (a 70 x 70 grid, about 55 m apart) for the planner to
    prefer an index to a scan."""
    lon, lat = TOZEUR_CENTRE
    steps = [0.0005 * k - 0.0175 for k in range(70)]
    grid = [Point(lon + dx, lat + dy, srid=4326) for dx in steps for dy in steps]
    town = tozeur.municipality
    ServicePoint.objects.bulk_create(ServicePoint(municipality=town, kind="waste_container", location=p) for p in grid)
    Complaint.objects.bulk_create(
        Complaint(municipality=town, category="waste", description="Conteneur plein", location=p) for p in grid
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE layers_servicepoint, layers_complaint")
    return tozeur


@pytest.mark.parametrize("model", [ServicePoint, Complaint])
def test_metric_distance_queries_use_the_geometry_index(model, crowded_tozeur):
    queryset = selectors.within_metres(model.objects.order_by(), "location", Point(*TOZEUR_CENTRE, srid=4326), 250)
    plan = selectors.explain(queryset)
    assert f"{model._meta.db_table}_location_" in plan and "Seq Scan" not in plan, plan


def test_home_page_counts_are_exact_for_small_layers(tozeur, beja):
    counts = selectors.public_layer_counts()
    assert counts == {
        "municipalities": 2,
        "districts": 2,
        "service_points": 2,
        "collection_routes": 2,
        "complaints": 2,
    }


@pytest.mark.parametrize(
    "sql",
    [
        """SELECT id FROM layers_servicepoint, ST_SetSRID(ST_MakePoint(8.13, 33.92), 4326) AS here
           WHERE location && metres_envelope(here, 250) AND ST_DWithin(location::geography, here::geography, 250)""",
        # The nearest on the spheroid: the nearest in degrees is some metres away, the nearest lies within them.
        """SELECT id FROM layers_servicepoint, ST_SetSRID(ST_MakePoint(8.13, 33.92), 4326) AS here,
           LATERAL (SELECT ST_Distance(location::geography, here::geography) AS metres FROM layers_servicepoint
                    ORDER BY location <-> here LIMIT 1) AS bound
           WHERE location && metres_envelope(here, bound.metres)
           ORDER BY ST_Distance(location::geography, here::geography) LIMIT 1""",
    ],
)
def test_hand_written_sql_uses_the_same_geometry_index(sql, crowded_tozeur):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "layers_servicepoint_location_" in plan and "Seq Scan" not in plan, plan
