"""What an outside probe and Schemathesis sent the analyst API (issue 15): a clear 4xx each, no 500, nothing stored."""

import base64
import json
import time
from datetime import datetime, timedelta

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gisportal.api import selectors
from gisportal.api.collections import COLLECTIONS
from layers.models import CollectionRoute, Complaint, District, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, square

GEOJSON = "application/geo+json"
DEEP = b"[" * 100_000 + b"]" * 100_000


def body(response) -> dict:
    return json.loads(response.content)


def point(lon: float, lat: float) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def stored(model) -> list:
    """Every row of a layer with every column, to show that a refused write changed nothing."""
    return sorted(model.objects.values_list(), key=lambda row: row[0])


# Tiles: the address is checked before anything is computed from it.


def test_a_huge_zoom_is_refused_at_once(analyst_client, tozeur):
    analyst_client.get("/tiles/complaints.json")  # warm: the first request of a process imports every view
    started = time.monotonic()
    response = analyst_client.get("/tiles/complaints/99999999999999999999/0/0.pbf")
    assert response.status_code == 404
    assert time.monotonic() - started < 2
    assert "zooms 0 to 22" in body(response)["description"]


@pytest.mark.parametrize("address", ["23/0/0", "3/8/0", "3/0/8", "0/1/0"])
def test_tiles_outside_the_grid_are_404(analyst_client, tozeur, address):
    assert analyst_client.get(f"/tiles/complaints/{address}.pbf").status_code == 404


# Extents: what the caller may read, never another municipality's nor a withheld complaint.


def test_a_planner_sees_only_her_municipalitys_extents(planner_client, tozeur, beja):
    listed = {c["id"]: c for c in body(planner_client.get("/ogc/collections"))["collections"]}
    one = body(planner_client.get("/ogc/collections/complaints"))
    tilejson = body(planner_client.get("/tiles/complaints.json"))
    tozeur_complaint = [TOZEUR_CENTRE[0] + 0.001, TOZEUR_CENTRE[1] + 0.001] * 2
    for bbox in (listed["complaints"]["extent"]["spatial"]["bbox"][0], one["extent"]["spatial"]["bbox"][0]):
        assert bbox == pytest.approx(tozeur_complaint)
    assert tilejson["bounds"] == pytest.approx(tozeur_complaint)
    for layer in ("service-points", "collection-routes", "districts"):
        *_, east, north = listed[layer]["extent"]["spatial"]["bbox"][0]
        assert east < 9 and north < 35, layer  # nothing of Béja's, at 9.18, 36.72


def test_withheld_complaints_leave_no_trace_in_extents(analyst_client, tozeur, beja):
    hidden = Complaint.objects.create(
        municipality=beja.municipality,
        category=Complaint.Category.OTHER,
        description="Propos injurieux",
        location=Point(BEJA_CENTRE[0] + 0.015, BEJA_CENTRE[1] + 0.015, srid=4326),
        is_hidden=True,
    )
    Complaint.objects.filter(pk=hidden.pk).update(created_at=timezone.now() - timedelta(days=400))
    for extent in (
        body(analyst_client.get("/ogc/collections/complaints"))["extent"],
        next(c for c in body(analyst_client.get("/ogc/collections"))["collections"] if c["id"] == "complaints")[
            "extent"
        ],
    ):
        assert extent["spatial"]["bbox"][0][2:] == pytest.approx([BEJA_CENTRE[0] + 0.001, BEJA_CENTRE[1] + 0.001])
        assert datetime.fromisoformat(extent["temporal"]["interval"][0][0]) > timezone.now() - timedelta(days=1)
    bounds = body(analyst_client.get("/tiles/complaints.json"))["bounds"]
    assert bounds[2:] == pytest.approx([BEJA_CENTRE[0] + 0.001, BEJA_CENTRE[1] + 0.001])


def test_large_layers_extents_come_from_the_index_without_withheld_rows(analyst_client, tozeur, beja, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_EXTENT_BELOW", 0)  # every layer counts as large
    Complaint.objects.create(
        municipality=beja.municipality,
        category=Complaint.Category.OTHER,
        description="Propos injurieux",
        location=Point(BEJA_CENTRE[0] + 0.015, BEJA_CENTRE[1] + 0.015, srid=4326),
        is_hidden=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE layers_complaint")
    with CaptureQueriesContext(connection) as queries:
        bbox = body(analyst_client.get("/ogc/collections/complaints"))["extent"]["spatial"]["bbox"][0]
    assert bbox == pytest.approx([TOZEUR_CENTRE[0] + 0.001, TOZEUR_CENTRE[1] + 0.001, *bbox[2:]])
    assert bbox[2:] == pytest.approx([BEJA_CENTRE[0] + 0.001, BEJA_CENTRE[1] + 0.001])
    assert not any("ST_Extent(" in q["sql"] for q in queries.captured_queries)  # no scan of every complaint


# Geometries: inside their municipality, finite, on Earth.

MOVES = [
    ("service-points", ServicePoint, "container", {"type": "Point", "coordinates": list(BEJA_CENTRE)}),
    (
        "collection-routes",
        CollectionRoute,
        "route",
        json.loads(MultiLineString(LineString((9.17, 36.72), (9.19, 36.72))).geojson),
    ),
    ("districts", District, "district", json.loads(square(*BEJA_CENTRE, half=0.01).geojson)),
]


@pytest.mark.parametrize(("layer", "model", "feature", "geometry"), MOVES)
def test_rest_cannot_move_a_feature_into_another_municipality(
    planner_client, tozeur, beja, layer, model, feature, geometry
):
    before = stored(model)
    pk = getattr(tozeur, feature).pk
    response = planner_client.patch(f"/api/{layer}/{pk}/", {"geometry": geometry}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert body(response)[COLLECTIONS[layer].geometry]  # the model's message, under the geometry's name
    assert stored(model) == before


@pytest.mark.parametrize(("layer", "model", "feature", "geometry"), MOVES)
def test_ogc_cannot_move_a_feature_into_another_municipality(
    planner_client, tozeur, beja, layer, model, feature, geometry
):
    before = stored(model)
    path = f"/ogc/collections/{layer}/items/{getattr(tozeur, feature).pk}"
    patch = json.dumps({"type": "Feature", "geometry": geometry, "properties": {}})
    response = planner_client.patch(path, patch, content_type=GEOJSON, HTTP_IF_MATCH="*")
    assert response.status_code == 400, response.content
    assert body(response)["description"].startswith(f"{COLLECTIONS[layer].geometry}: ")
    assert stored(model) == before


# Raw JSON text: 1e400 and NaN never become floats, 500 is no longitude.
COORDINATES = ["[1e400, 1]", "[500, 500]", "[NaN, 33.92]", "[8.13, Infinity]"]


def _raw_point(coordinates: str, tozeur) -> str:
    properties = {"municipality_id": tozeur.municipality.pk, "kind": "pharmacy", "name": "Pharmacie"}
    return (
        f'{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": {coordinates}}}, '
        f'"properties": {json.dumps(properties)}}}'
    )


@pytest.mark.parametrize("coordinates", COORDINATES)
def test_rest_refuses_coordinates_off_the_earth(planner_client, tozeur, coordinates):
    response = planner_client.post(
        "/api/service-points/", _raw_point(coordinates, tozeur), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert ServicePoint.objects.count() == 1


@pytest.mark.parametrize("coordinates", COORDINATES)
def test_ogc_refuses_coordinates_off_the_earth(planner_client, tozeur, coordinates):
    path = "/ogc/collections/service-points/items"
    response = planner_client.post(path, _raw_point(coordinates, tozeur), content_type=GEOJSON)
    assert response.status_code == 400, response.content
    assert ServicePoint.objects.count() == 1


# The analyses are read-only.


@pytest.mark.parametrize("path", ["/api/analyses/", "/api/analyses/hotspots/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_analyses_answer_405_to_writes(analyst_client, planner_client, tozeur, path, method):
    for client in (analyst_client, planner_client):
        assert getattr(client, method)(path, "{}", content_type="application/json").status_code == 405


# REST bodies: a GeoJSON Feature object, as JSON.


@pytest.mark.parametrize("properties", ["[1, 2]", '"pharmacie"', "7", "true"])
def test_rest_properties_must_be_an_object(planner_client, tozeur, properties):
    before = stored(ServicePoint)
    for method, path in (("post", "/api/service-points/"), ("patch", f"/api/service-points/{tozeur.container.pk}/")):
        feature = f'{{"type": "Feature", "geometry": null, "properties": {properties}}}'
        response = getattr(planner_client, method)(path, feature, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "properties" in body(response)
    assert stored(ServicePoint) == before


@pytest.mark.parametrize("scalar", ["5", '"a feature"', "null", "true", "[]"])
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_rest_refuses_a_body_that_is_no_object(planner_client, tozeur, scalar, method):
    before = stored(ServicePoint)
    path = "/api/service-points/" if method == "post" else f"/api/service-points/{tozeur.container.pk}/"
    response = getattr(planner_client, method)(path, scalar, content_type="application/json")
    assert response.status_code == 400, response.content
    assert stored(ServicePoint) == before


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])
def test_form_and_other_bodies_are_415(planner_client, tozeur, content_type):
    before = stored(ServicePoint)
    form = f"municipality_id={tozeur.municipality.pk}&kind=pharmacy&name=Pharmacie"
    for method, path in (
        ("post", "/api/service-points/"),
        ("patch", f"/api/service-points/{tozeur.container.pk}/"),
        ("post", "/ogc/collections/service-points/items"),
        ("patch", f"/ogc/collections/service-points/items/{tozeur.container.pk}"),
    ):
        response = getattr(planner_client, method)(path, form, content_type=content_type, HTTP_IF_MATCH="*")
        assert response.status_code == 415, response.content
    assert stored(ServicePoint) == before


def test_a_rest_patch_of_the_geometry_alone_moves_the_feature(planner_client, tozeur):
    moved = [TOZEUR_CENTRE[0] + 0.005, TOZEUR_CENTRE[1] - 0.004]
    path = f"/api/service-points/{tozeur.container.pk}/"
    response = planner_client.patch(path, {"geometry": {"type": "Point", "coordinates": moved}}, content_type=GEOJSON)
    assert response.status_code == 200, response.content
    tozeur.container.refresh_from_db()
    assert list(tozeur.container.location.coords) == pytest.approx(moved)
    assert body(response)["geometry"]["coordinates"] == pytest.approx(moved)


def test_rest_refuses_unknown_properties(planner_client, tozeur):
    path = f"/api/service-points/{tozeur.container.pk}/"
    response = planner_client.patch(path, {"properties": {"capcity": 3}}, content_type="application/json")
    assert response.status_code == 400
    assert "capcity" in response.content.decode()


# Dates, ids and cursors.


@pytest.mark.parametrize("path", ["/ogc/collections/complaints/items", "/api/complaints/"])
def test_datetimes_at_the_edges_of_the_calendar(analyst_client, tozeur, path):
    for far in ("9999-12-31", "0001-01-01", "9999-12-31T23:00:00-05:00", "2024-02-30", "../9999-12-31"):
        response = analyst_client.get(path, {"datetime": far})
        assert response.status_code == 400, (far, response.content)
        assert "datetime" in response.content.decode()
    # RFC 3339 allows offsets up to 23:59: the instant is read in UTC.
    since = analyst_client.get(path, {"datetime": "2024-01-01T00:00:00+23:59/.."})
    assert since.status_code == 200, since.content
    assert [f["id"] for f in body(since)["features"]] == [tozeur.complaint.pk]


@pytest.mark.parametrize("after", ["²", "\u0661\u0662", "-1", "1.5", "99999999999999999999", "1" * 5000])
def test_ogc_after_is_a_feature_id(analyst_client, tozeur, after):
    response = analyst_client.get("/ogc/collections/complaints/items", {"after": after})
    assert response.status_code == 400, response.content


def cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("layer", "ordering", "key"),
    [
        ("complaints", "created_at", [{"a": 1}, 1]),
        ("complaints", "created_at", ["not a date", 1]),
        ("complaints", "created_at", [None, 1]),
        ("complaints", "pk", [1, "1"]),
        ("complaints", "pk", [1, 2**70]),
        ("service-points", "municipality_id", ["many", 1]),
        ("service-points", "municipality_id", [[1], 1]),
        ("districts", "is_priority", ["perhaps", 1]),
        ("collection-routes", "starts_at", ["noon", 1]),
    ],
)
def test_rest_cursors_with_garbage_values(analyst_client, tozeur, layer, ordering, key):
    response = analyst_client.get(f"/api/{layer}/", {"ordering": ordering, "cursor": cursor(key)})
    assert response.status_code == 400, response.content
    assert "cursor" in response.content.decode()


def test_a_well_formed_cursor_still_pages(analyst_client, tozeur):
    key = [tozeur.municipality.pk - 1, 0]
    page = analyst_client.get("/api/service-points/", {"ordering": "municipality_id", "cursor": cursor(key)})
    assert [f["id"] for f in body(page)["features"]] == [tozeur.container.pk]


# OGC writes: raw JSON values are typed by their field before anything uses them.

OGC_POINTS = "/ogc/collections/service-points/items"


@pytest.mark.parametrize(
    "properties",
    [
        {"name": "Pharmacie\u0000"},
        {"kind": "pharmacy\u0000"},
        {"municipality_id": [1, 2]},
        {"municipality_id": {"id": 1}},
        {"municipality_id": True},
        {"capacity": [660]},
        {"capacity": {"litres": 660}},
        {"capacity": 2**70},
        {"capacity": "beaucoup"},
        {"opening_hours": ["Mo-Fr"]},
    ],
)
def test_ogc_writes_refuse_values_of_the_wrong_kind(planner_client, tozeur, properties):
    before = stored(ServicePoint)
    new = {"municipality_id": tozeur.municipality.pk, "kind": "pharmacy", "name": "Pharmacie"} | properties
    created = planner_client.post(
        OGC_POINTS, json.dumps(point(*TOZEUR_CENTRE) | {"properties": new}), content_type=GEOJSON
    )
    assert created.status_code == 400, created.content
    path = f"{OGC_POINTS}/{tozeur.container.pk}"
    patch = json.dumps({"type": "Feature", "properties": properties})
    patched = planner_client.patch(path, patch, content_type=GEOJSON, HTTP_IF_MATCH="*")
    assert patched.status_code == 400, patched.content
    assert stored(ServicePoint) == before


def test_route_days_are_a_list_of_days(planner_client, tozeur):
    before = stored(CollectionRoute)
    path = f"/ogc/collections/collection-routes/items/{tozeur.route.pk}"
    for days in ("1,3,5", ["lundi"], [[1]], [1, 9], 3):
        patch = json.dumps({"type": "Feature", "properties": {"service_days": days}})
        response = planner_client.patch(path, patch, content_type=GEOJSON, HTTP_IF_MATCH="*")
        assert response.status_code == 400, (days, response.content)
    assert stored(CollectionRoute) == before


# Analyses: numbers within the range that makes sense, said in the message.


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "-0.5", "1e400", "99999999999999999999", "\u0661\u0660"])
@pytest.mark.parametrize(
    ("analysis", "parameter"),
    [
        ("hotspots", "distance"),
        ("hotspots", "min-complaints"),
        ("coverage", "distance"),
        ("accessibility", "distance"),
        ("containers-off-route", "distance"),
        ("nearest-service", "limit"),
        ("nearest-service", "longitude"),
    ],
)
def test_analysis_numbers_out_of_range(analyst_client, tozeur, analysis, parameter, value):
    response = analyst_client.get(f"/api/analyses/{analysis}/", {parameter: value})
    if parameter == "longitude" and value in {"-1", "-0.5"}:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    message = body(response)["detail"]
    assert message.startswith(f"{parameter} must be a") and " from " in message, message


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_analysis_dates_at_the_edges_of_the_calendar(analyst_client, tozeur, day):
    for parameter in ("start", "end"):
        response = analyst_client.get("/api/analyses/resolution-times/", {parameter: day})
        assert response.status_code == 400, response.content
        assert parameter in body(response)["detail"]


# Bodies nested deeper than Python's parser goes.


def test_deeply_nested_json_bodies(planner_client, tozeur):
    before = stored(ServicePoint)
    requests = [
        ("post", "/api/service-points/", {}),
        ("patch", f"/api/service-points/{tozeur.container.pk}/", {}),
        ("post", OGC_POINTS, {}),
        ("patch", f"{OGC_POINTS}/{tozeur.container.pk}", {"HTTP_IF_MATCH": "*"}),
    ]
    for method, path, headers in requests:
        for content_type in ("application/json", GEOJSON):
            response = getattr(planner_client, method)(path, DEEP, content_type=content_type, **headers)
            assert response.status_code == 400, (method, path, response.content[:200])
            assert "nested too deeply" in response.content.decode()
    assert stored(ServicePoint) == before


def test_coordinates_nested_deeper_than_numpy_reads(planner_client, tozeur):
    coordinates = "[" * 600 + "8.13, 33.92" + "]" * 600  # JSON reads it; numpy recurses past Python's limit
    for path in ("/api/service-points/", OGC_POINTS):
        response = planner_client.post(path, _raw_point(coordinates, tozeur), content_type=GEOJSON)
        assert response.status_code == 400, response.content[:300]
        assert "nested too deeply" in response.content.decode()
    assert ServicePoint.objects.count() == 1
