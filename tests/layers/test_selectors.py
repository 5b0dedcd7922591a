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


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (ServicePoint, "servicepoint_location_geog"),
        (Complaint, "complaint_location_geog"),
    ],
)
def test_metric_distance_queries_use_the_geography_index(model, index, tozeur):
    queryset = selectors.within_metres(model.objects.order_by(), "location", Point(*TOZEUR_CENTRE, srid=4326), 250)
    with connection.cursor() as cursor:
        # On a table this small the planner rightly prefers a scan; forbid it to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = selectors.explain(queryset)
    assert index in plan, plan


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
        "SELECT id FROM layers_servicepoint WHERE ST_DWithin(location::geography, ST_MakePoint(8, 34)::geography, 250)",
        "SELECT id FROM layers_servicepoint ORDER BY location::geography <-> ST_MakePoint(8, 34)::geography LIMIT 1",
    ],
)
def test_hand_written_sql_uses_the_same_geography_index(sql, tozeur):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "servicepoint_location_geog" in plan, plan
