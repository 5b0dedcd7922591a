"""The analyses on the two known towns, with the numbers worked out by hand in each test."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from gisportal.api.analyses import run
from gisportal.complaints.models import ComplaintUpdate
from layers.models import Complaint, District, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, square

LON, LAT = TOZEUR_CENTRE
# One degree at Tozeur's latitude (33.92° N) on the WGS 84 spheroid.
METRES_PER_DEGREE_LON = 92_477
METRES_PER_DEGREE_LAT = 110_921


def complaint(town, category: str, *, at: datetime, dx: float = 0.0, dy: float = 0.0) -> Complaint:
    made = Complaint.objects.create(
        municipality=town.municipality,
        district=town.district,
        category=category,
        description="Signalement",
        reporter_contact="+216 20 000 000",
        location=Point(LON + dx, LAT + dy, srid=4326),
    )
    Complaint.objects.filter(pk=made.pk).update(created_at=at)
    return made


MARCH = datetime(2026, 3, 10, 9, tzinfo=UTC)


def rows(name: str, user=None, **raw) -> list[dict]:
    return run(name, {k.replace("_", "-"): str(v) for k, v in raw.items()}, user=user).as_dicts()


def test_complaints_per_municipality_per_1000_inhabitants(tozeur, beja):
    for category in ("roads", "roads", "lighting"):
        complaint(tozeur, category, at=MARCH)
    every = {r["code"]: r for r in rows("complaints-per-area")}
    assert every["6211"]["complaints"] == 4 and float(every["6211"]["per_1000_inhabitants"]) == 0.1  # 4 / 40,000
    assert every["2111"]["complaints"] == 1 and float(every["2111"]["per_1000_inhabitants"]) == 0.025
    march = {r["code"]: r["complaints"] for r in rows("complaints-per-area", start="2026-03-01", end="2026-03-31")}
    assert march == {"6211": 3, "2111": 0}
    by_category = rows("complaints-per-area", by="category", start="2026-03-01", end="2026-03-31")
    assert {(r["code"], r["group"]): r["complaints"] for r in by_category} == {
        ("6211", "roads"): 2,
        ("6211", "lighting"): 1,
        ("2111", None): 0,
    }
    districts = rows("complaints-per-area", level="district", start="2026-03-01", end="2026-03-31")
    assert float(next(r for r in districts if r["name"] == "Tozeur centre")["per_1000_inhabitants"]) == 0.3


def test_planners_analyses_cover_only_their_municipalities(tozeur, beja, planner_tozeur):
    assert [r["code"] for r in rows("complaints-per-area", user=planner_tozeur)] == ["6211"]


def test_resolution_times_against_the_due_date(tozeur):
    for days_taken in (2, 7):
        made = complaint(tozeur, "waste", at=datetime(2026, 3, 1, 9, tzinfo=UTC))
        Complaint.objects.filter(pk=made.pk).update(due_at=datetime(2026, 3, 4, 9, tzinfo=UTC))
        update = ComplaintUpdate.objects.create(complaint=made, status="resolved")
        ComplaintUpdate.objects.filter(pk=update.pk).update(created_at=datetime(2026, 3, 1 + days_taken, 9, tzinfo=UTC))
    (waste,) = rows("resolution-times")
    assert waste["resolved"] == 2
    assert float(waste["median_days"]) == 4.5
    assert float(waste["on_time_percent"]) == 50.0


def test_hotspots_find_the_dense_cluster(tozeur):
    for i in range(5):  # five complaints 9 m apart, about 145 m from the fixture's complaint
        complaint(tozeur, "illegal_dumping" if i else "waste", at=MARCH, dx=0.0001 * i)
    (hotspot,) = rows("hotspots", distance=50, min_complaints=3)
    assert hotspot["complaints"] == 5
    assert hotspot["main_category"] == "illegal_dumping"
    assert float(hotspot["longitude"]) == pytest.approx(LON + 0.0002, abs=1e-6)
    assert rows("hotspots", distance=50, min_complaints=3, start="2026-04-01") == []


def test_nearest_service_point_and_its_distance(tozeur, beja):
    (east,) = rows("nearest-service", kind="waste_container", longitude=LON + 0.01, latitude=LAT)
    assert east["service_point_id"] == tozeur.container.pk
    assert float(east["distance_m"]) == pytest.approx(0.01 * METRES_PER_DEGREE_LON, abs=1)
    every = {r["complaint_id"]: r for r in rows("nearest-service", kind="waste_container")}
    assert every[beja.complaint.pk]["service_point_id"] == beja.container.pk
    # The fixture's complaint is 0.001° east and north of the container.
    diagonal = (0.001 * METRES_PER_DEGREE_LON) ** 2 + (0.001 * METRES_PER_DEGREE_LAT) ** 2
    assert float(every[tozeur.complaint.pk]["distance_m"]) == pytest.approx(diagonal**0.5, abs=0.5)


def test_nearest_service_point_is_nearest_on_the_ground_not_in_degrees(tozeur, beja):
    # At Béja (36.72° N) a degree of longitude is 89,337 m and one of latitude 110,972 m:
    # 0.010° east is 893.4 m away, 0.009° north (nearer in degrees) 998.8 m.
    lon, lat = BEJA_CENTRE
    east, _ = (
        ServicePoint.objects.create(municipality=beja.municipality, kind="health_facility", location=location)
        for location in (Point(lon + 0.01, lat, srid=4326), Point(lon, lat + 0.009, srid=4326))
    )
    (nearest,) = rows("nearest-service", kind="health_facility", longitude=lon, latitude=lat)
    assert nearest["service_point_id"] == east.pk
    assert float(nearest["distance_m"]) == pytest.approx(893.4, abs=0.1)
    # Béja's district has its centre at the town's centre.
    ranking = {r["district_id"]: r for r in rows("priority-ranking", kind="health_facility")}
    assert ranking[beja.district.pk]["distance_m"] == 893


def test_coverage_of_a_district_by_a_health_facility(tozeur, beja):
    ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="health_facility", location=Point(LON, LAT, srid=4326)
    )
    result = {r["code"]: r for r in rows("coverage", kind="health_facility", distance=500)}
    # A 500 m disc (32-sided buffer: 780,361 m²) inside a 0.02° square district (about 4.10 km² in UTM 32N).
    assert float(result["6211"]["covered_percent"]) == pytest.approx(19.0, abs=0.1)
    assert result["6211"]["covered_population"] == pytest.approx(1903, abs=10)
    assert result["2111"]["covered_population"] == 0


def test_two_step_floating_catchment_accessibility(tozeur, beja):
    ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="health_facility", capacity=20, location=Point(LON, LAT, srid=4326)
    )
    access = {r["district_id"]: r for r in rows("accessibility", kind="health_facility", distance=5000)}
    assert float(access[tozeur.district.pk]["capacity_per_1000"]) == 2.0  # 20 beds for 10,000 people
    assert float(access[beja.district.pk]["capacity_per_1000"]) == 0.0
    # A second district 3 km away shares the same beds: 20 for 40,000 people, 0.5 per 1,000 each.
    oasis = District.objects.create(
        municipality=tozeur.municipality, name="Oasis", population=30_000, boundary=square(LON + 0.03, LAT, 0.005)
    )
    access = {r["district_id"]: r for r in rows("accessibility", kind="health_facility", distance=5000)}
    assert float(access[tozeur.district.pk]["capacity_per_1000"]) == 0.5
    assert float(access[oasis.pk]["capacity_per_1000"]) == 0.5
    assert access[oasis.pk]["services_within_reach"] == 1


def test_waste_collection_coverage(tozeur, beja):
    far = ServicePoint.objects.create(
        municipality=tozeur.municipality,
        kind="waste_container",
        name="Conteneur nord",
        location=Point(LON, LAT + 0.0045, srid=4326),  # 499 m north of the east-west route
    )
    (off_route,) = rows("containers-off-route", distance=300)
    assert off_route["id"] == far.pk
    assert float(off_route["distance_to_route_m"]) == pytest.approx(0.0045 * METRES_PER_DEGREE_LAT, abs=1)
    north = District.objects.create(
        municipality=tozeur.municipality, name="Tozeur nord", boundary=square(LON, LAT + 0.015, half=0.004)
    )
    assert [r["id"] for r in rows("districts-without-route")] == [north.pk]
    routes = {r["code"]: r for r in rows("routes-per-municipality")}
    assert routes["6211"]["routes"] == 1 and routes["6211"]["stops"] == 1
    assert float(routes["6211"]["length_km"]) == pytest.approx(0.02 * METRES_PER_DEGREE_LON / 1000, abs=0.002)


def test_priority_ranking_puts_the_most_deprived_first(tozeur, beja):
    District.objects.filter(pk=beja.district.pk).update(poverty_rate=60)  # score (60+15+10+30+20)/5 = 27
    ranking = rows("priority-ranking", kind="waste_container")
    assert [r["district_id"] for r in ranking] == [beja.district.pk, tozeur.district.pk]
    # Equal complaints per 1,000 and equal distances: both percentile ranks are 0, half the score remains.
    assert [float(r["priority_score"]) for r in ranking] == [13.5, 9.5]


def test_analyses_through_the_api(analyst_client, anonymous_client, tozeur):
    listed = json.loads(analyst_client.get("/api/analyses/").content)
    assert "coverage" in {a["name"] for a in listed}
    response = analyst_client.get("/api/analyses/routes-per-municipality/", {"output": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert table[0]["code"] == "6211" and table[0]["routes"] == "1"
    hull = analyst_client.get("/api/analyses/districts-without-route/", {"output": "geojson"})
    assert json.loads(hull.content) == {"type": "FeatureCollection", "features": []}
    assert analyst_client.get("/api/analyses/coverage/", {"distance": "far"}).status_code == 400
    assert analyst_client.get("/api/analyses/coverage/", {"kind": "castle"}).status_code == 400
    assert analyst_client.get("/api/analyses/routes-per-municipality/", {"output": "geojson"}).status_code == 400
    assert analyst_client.get("/api/analyses/astrology/").status_code == 404
    assert anonymous_client.get("/api/analyses/coverage/").status_code == 401


def test_analyse_command_writes_csv_and_geojson(tozeur, tmp_path, capsys):
    call_command("analyse", "routes-per-municipality", "--format", "csv")
    assert "6211,Tozeur,1,1.849,1" in capsys.readouterr().out  # 0.02° of longitude: 1,849 m
    target = tmp_path / "nearest.geojson"
    call_command(
        "analyse", "nearest-service", "--kind", "waste_container", "--format", "geojson", "--output", str(target)
    )
    collection = json.loads(target.read_text())
    assert collection["features"][0]["geometry"]["type"] == "LineString"
    assert "reporter" not in target.read_text()


def test_analyst_role_reads_layers_but_no_contact_and_writes_nothing(tozeur):
    # Roles are transactional in PostgreSQL: this one disappears with the test's transaction.
    call_command("analyst_role", "--name", "test_api_reader", "--password", "a-long-password", stdout=io.StringIO())

    def as_reader(sql: str):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE test_api_reader")
            cursor.execute(sql)
            return cursor.fetchall()

    assert as_reader("SELECT count(*), min(category) FROM layers_complaint") == [(1, "waste")]
    assert as_reader("SELECT count(*) FROM layers_district WHERE ST_Area(boundary) > 0") == [(1,)]
    for forbidden in (
        "SELECT reporter_contact FROM layers_complaint",
        "SELECT * FROM auth_user",
        "SELECT * FROM authtoken_token",
        "SELECT * FROM layers_historicalcomplaint",
        "DELETE FROM layers_district",
    ):
        with pytest.raises(DatabaseError):
            as_reader(forbidden)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("nearest-service", {"kind": "waste_container"}),
        ("accessibility", {"kind": "waste_container"}),
        ("containers-off-route", {"distance": "1"}),  # none on the two towns: the columns are checked
        ("districts-without-route", {}),
        ("priority-ranking", {"kind": "waste_container"}),
        ("complaints-per-area", {}),
        ("routes-per-municipality", {}),
    ],
)
def test_every_analysis_names_a_municipality_by_its_official_code(name, raw, tozeur, beja, planner_tozeur):
    result = run(name, raw, user=planner_tozeur)
    assert "municipality_id" not in result.columns
    assert {"municipality_code", "code"} & set(result.columns)
    codes = {row.get("municipality_code", row.get("code")) for row in result.as_dicts()}
    assert codes <= {"6211"}, (name, result.as_dicts())  # the planner's town, by the code filters take
