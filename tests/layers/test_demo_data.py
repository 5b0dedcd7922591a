"""The demo loader: the real frame with its known flaws fixed, and the same seeded layers every time."""

import hashlib
import random

import pytest
from django.db import connection, transaction

from etl.demo import PILOTS, SEED, load_demo, seed_pilot
from layers.models import CollectionRoute, Complaint, Delegation, District, Governorate, Municipality, ServicePoint

# Every test here needs the test database set up, even those that only use the module fixture.
pytestmark = pytest.mark.django_db

PERSIAN_LETTERS = ("\u06cc", "\u06a9", "\u0640")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load once for the module, inside a transaction rolled back at the end."""
    messages: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(progress=messages.append)
        yield messages
        transaction.set_rollback(True)


def fingerprint() -> str:
    """A digest of every generated feature: geometry and attributes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT string_agg(md5(row_to_json(t)::text), '' ORDER BY md5(row_to_json(t)::text))
               FROM (SELECT name, population, poverty_rate, ST_AsText(boundary) FROM layers_district
                     UNION ALL SELECT name, capacity, NULL, ST_AsText(location) FROM layers_servicepoint
                     UNION ALL SELECT name, NULL, NULL, ST_AsText(path) FROM layers_collectionroute
                     UNION ALL SELECT tracking_code || category || status || created_at, NULL, NULL, ST_AsText(location)
                               FROM layers_complaint) AS t"""
        )
        return hashlib.sha256(cursor.fetchone()[0].encode()).hexdigest()


def test_the_real_frame_is_complete(demo):
    assert Governorate.objects.count() == 24
    assert Municipality.objects.count() == 350
    assert Delegation.objects.count() == 264
    assert sum(Delegation.objects.values_list("population_2014", flat=True)) == 10_982_476
    summary = "350 municipalities imported from 374 features: 13 exact duplicates dropped, 11 split parts dissolved"
    assert summary in demo


def test_known_flaws_are_fixed(demo):
    bizerte = Municipality.objects.get(name_fr__iexact="Bizerte")
    assert bizerte.boundary.num_geom >= 1 and Municipality.objects.filter(code=bizerte.code).count() == 1
    for model in (Governorate, Municipality, Delegation):
        for name in model.objects.values_list("name_ar", flat=True):
            assert not any(letter in name for letter in PERSIAN_LETTERS), name
    assert Municipality.objects.get(code="1211").population == 114_486  # stored as text in the source
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM layers_governorate WHERE NOT ST_IsValid(boundary)")
        assert cursor.fetchone()[0] == 0


def test_pilots_have_every_layer(demo):
    for code in ("6211", "2111", "3111"):
        municipality = Municipality.objects.get(code=code)
        assert municipality.districts.count() >= 8
        assert municipality.districts.filter(is_priority=True).exists()
        assert municipality.collection_routes.count() >= 1
        assert municipality.complaints.count() >= 100
        assert municipality.service_points.filter(kind="waste_container").count() >= 60
    # Every seeded complaint lies in its municipality and, where districts cover it, in its district.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM layers_complaint c JOIN layers_municipality m ON m.id = c.municipality_id
               LEFT JOIN layers_district d ON d.id = c.district_id
               WHERE NOT ST_Intersects(m.boundary, c.location) OR d.id IS NULL
                     OR NOT ST_Intersects(d.boundary, c.location)"""
        )
        assert cursor.fetchone()[0] == 0
    assert not Complaint.objects.exclude(reporter_contact="").exists()


def test_routes_serve_containers_of_their_own_municipality(demo):
    for route in CollectionRoute.objects.prefetch_related("service_points"):
        assert route.service_points.count() >= 2
        assert {point.municipality_id for point in route.service_points.all()} == {route.municipality_id}
        assert all(1 <= day <= 7 for day in route.service_days)


def test_osm_service_points_are_in_their_municipality(demo):
    osm = ServicePoint.objects.exclude(osm_id=None)
    assert osm.count() > 1600
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM layers_servicepoint p JOIN layers_municipality m ON m.id = p.municipality_id
               WHERE NOT ST_Intersects(m.boundary, p.location)"""
        )
        assert cursor.fetchone()[0] == 0


def test_same_seed_same_data(demo):
    first = fingerprint()
    with transaction.atomic():
        for model in (Complaint, CollectionRoute, District):
            model.objects.all().delete()
        ServicePoint.objects.filter(osm_id=None).delete()
        rng = random.Random(SEED)
        for code, districts in PILOTS.items():
            seed_pilot(code, districts=districts, rng=rng, seed=SEED, progress=lambda _: None)
        assert fingerprint() == first
        transaction.set_rollback(True)


def test_the_demo_publishes_budgets_and_scorecards(demo):
    assert "Bou Arada: 701 budget lines, 146 executed; 20904 performance scores on 39 criteria" in demo


def test_the_coverage_analysis_on_the_demo_is_plausible(demo):
    """People live in the town: within 1 km of Tozeur's pharmacies (all in the centre), a good share of them."""
    from gisportal.api.analyses import coverage

    result = coverage(user=None, kind="pharmacy", distance=1000)
    tozeur = [dict(zip(result.columns, row, strict=True)) for row in result.rows if row[0] == "6211"]
    population = sum(row["population"] for row in tozeur)
    covered = tozeur[0]["municipality_covered_population"]
    assert population == Municipality.objects.get(code="6211").population
    assert 0.2 * population < covered < 0.7 * population  # 152 people when districts spread over the desert
    districts = District.objects.filter(municipality__code="6211")
    assert districts.filter(kind="rural").count() == 1
    assert sum(d.population for d in districts.filter(kind="urban")) > 0.85 * population
