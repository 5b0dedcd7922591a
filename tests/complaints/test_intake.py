"""A report in two statements (gisportal/complaints/intake.py): pinned query counts, and the one placing statement
answering as the selectors it stands for."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gisportal.api import tiles
from gisportal.complaints import intake, selectors
from gisportal.complaints.models import ApiKey, Ban, ComplaintPhoto, ComplaintUpdate, ServiceCategory
from layers import selectors as layer_selectors
from layers.models import Complaint, ServicePoint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.conftest import TOZEUR_CENTRE


@pytest.fixture
def api_key(db) -> str:
    return ApiKey.objects.create(name="test app").key


def statements(client, path: str, data: dict) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    assert response.status_code in {200, 302}, response.content
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")


def open311_report(key: str, **extra) -> dict:
    return {
        "api_key": key,
        "service_code": "waste",
        "lat": TOZEUR_LAT,
        "long": TOZEUR_LON,
        "description": "Conteneur plein rue Ibn Chabbat",
        "attribute[container]": "full",
    } | extra


def form_report(**extra) -> dict:
    return {
        "lat": TOZEUR_LAT,
        "lon": TOZEUR_LON,
        "category": "waste",
        "description": "Conteneur plein rue Ibn Chabbat",
        "q_container": "full",
        "website": "",
    } | extra


def test_an_open311_report_is_two_statements(client, tozeur, api_key, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    sent = statements(client, "/open311/v2/requests.json", open311_report(api_key, email="amel@example.org"))
    assert len(sent) == 2, sent
    assert "municipality_at" in sent[0] and "complaints_apikey" in sent[0] and sent[1].startswith("\nWITH complaint AS")
    # A photo adds no statement: its row is part of the storing one.
    assert len(statements(client, "/open311/v2/requests.json", open311_report(api_key, media=jpeg()))) == 2
    assert ComplaintPhoto.objects.count() == 1


@pytest.mark.parametrize("extra", [{}, {"service_code": ""}, {"lat": "91"}, {"jurisdiction_id": "9999"}])
def test_a_revoked_key_is_refused_before_anything_else(client, tozeur, api_key, extra):
    ApiKey.objects.filter(key=api_key).update(is_active=False)
    response = client.post("/open311/v2/requests.json", open311_report(api_key, **extra))
    assert response.status_code == 403
    assert not Complaint.objects.filter(description="Conteneur plein rue Ibn Chabbat").exists()


def test_a_form_report_is_two_statements_and_no_session(client, tozeur):
    client.get("/en/report/")  # her first visit: a CSRF cookie, no session
    sent = statements(client, "/en/report/", form_report())
    assert len(sent) == 2, sent
    assert not any("django_session" in sql for sql in sent)
    # Her browser still knows the report is hers.
    complaint = Complaint.objects.get(description="Conteneur plein rue Ibn Chabbat")
    page = client.get(f"/en/report/{complaint.tracking_code}/")
    assert complaint.reporter_key.key in page.content.decode()


def test_the_stored_rows_are_those_the_orm_would_write(client, tozeur, api_key):
    client.post("/open311/v2/requests.json", open311_report(api_key))
    complaint = Complaint.objects.get(description="Conteneur plein rue Ibn Chabbat")
    assert complaint.municipality == tozeur.municipality and complaint.district == tozeur.district
    assert complaint.answers == {"container": "full"} and complaint.due_at is not None
    (version,) = complaint.history.all()
    assert version.history_type == "+" and version.tracking_code == complaint.tracking_code
    assert version.location == complaint.location and version.history_user is None
    (update,) = ComplaintUpdate.objects.filter(complaint=complaint)
    assert update.status == Complaint.Status.SUBMITTED and update.by_reporter and update.is_public
    assert complaint.reporter_key.key


def test_a_report_drops_the_complaint_tiles_at_most_once_a_second(
    client, tozeur, api_key, settings, tmp_path, monkeypatch
):
    settings.TILE_CACHE_DIR = str(tmp_path)
    monkeypatch.setattr(intake, "_clock", lambda: 1000.0)  # both reports in the same second, however slow the machine
    intake._tiles_state["last"] = -intake.TILES_EVERY_S  # as in a fresh process
    before = tiles.layer_version("complaints")
    client.post("/open311/v2/requests.json", open311_report(api_key))
    after = tiles.layer_version("complaints")
    assert after != before  # the first report of a quiet second: at once
    client.post("/open311/v2/requests.json", open311_report(api_key, description="Un autre conteneur plein"))
    pending = intake._tiles_state["pending"]
    assert tiles.layer_version("complaints") == after and pending is not None
    pending.cancel()
    intake._tiles_state["pending"] = None


POINTS = [
    (TOZEUR_LON, TOZEUR_LAT),  # in the district
    (TOZEUR_CENTRE[0] + 0.0003, TOZEUR_CENTRE[1]),  # by the container
    (TOZEUR_CENTRE[0] + 0.015, TOZEUR_CENTRE[1] + 0.015),  # in the town, outside its district
    (TOZEUR_CENTRE[0] + 0.5, TOZEUR_CENTRE[1]),  # outside every municipality
]


@pytest.mark.parametrize("lon_lat", POINTS)
@pytest.mark.parametrize("category", ["waste", "water", "roads"])
@pytest.mark.parametrize("catalogue", ["national", "own", "own-inactive"])
def test_placing_answers_as_the_selectors(tozeur, beja, lon_lat, category, catalogue):
    town = tozeur.municipality
    if catalogue != "national":
        ServiceCategory.objects.create(municipality=town, code="waste", target_days=3, is_active=catalogue == "own")
    ServicePoint.objects.create(
        municipality=town, kind=ServicePoint.Kind.WATER_POINT, name="Fontaine", location=Point(*lon_lat, srid=4326)
    )
    point = Point(*lon_lat, srid=4326)
    placed = intake.place(lon=lon_lat[0], lat=lon_lat[1], category=category, ip="10.0.0.1", contact="")
    municipality = layer_selectors.municipality_at(point)
    assert placed.municipality_id == (municipality.pk if municipality else None)
    assert not placed.banned
    if municipality is None:
        return
    district = layer_selectors.district_at(municipality, point)
    asset = layer_selectors.nearest_asset(municipality, point, category)
    expected = selectors.service_category(municipality, category)
    assert placed.district_id == (district.pk if district else None)
    assert placed.service_point_id == (asset.pk if asset else None)
    assert placed.has_catalogue == bool(selectors.catalogue(municipality))
    assert (placed.category.pk if placed.category else None) == (expected.pk if expected else None)
    if expected is not None:
        with CaptureQueriesContext(connection) as queries:
            got = [(q.code, q.label, q.keys, q.required) for q in placed.category.questions.all()]
        assert not queries.captured_queries  # read with the category
        assert got == [(q.code, q.label, q.keys, q.required) for q in expected.questions.all()]


def test_placing_reads_the_ban_list(tozeur):
    Ban.objects.create(kind=Ban.Kind.CONTACT, value="amel@example.org")
    Ban.objects.create(kind=Ban.Kind.IP, value="10.0.0.9")
    on = {"lon": TOZEUR_LON, "lat": TOZEUR_LAT, "category": "waste"}
    assert intake.place(**on, ip="10.0.0.1", contact=" Amel@Example.org ").banned
    assert intake.place(**on, ip="10.0.0.9", contact="").banned
    assert not intake.place(**on, ip="10.0.0.1", contact="").banned
    assert not intake.place(**on, ip="", contact="other@example.org").banned
