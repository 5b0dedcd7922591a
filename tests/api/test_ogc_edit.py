"""OGC API - Features Part 4: planners add, replace, update and delete features within their municipalities."""

import json

import pytest
from django.test import Client

from layers.models import Complaint, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE

POINTS = "/ogc/collections/service-points/items"
GEOJSON = "application/geo+json"


def container(lon: float, lat: float, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"kind": "waste_container", "name": "Conteneur neuf", "capacity": 1100, **properties},
    }


def send(client: Client, method: str, path: str, payload: dict | str | None = None, **headers):
    data = payload if isinstance(payload, str) or payload is None else json.dumps(payload)
    return getattr(client, method)(path, data=data, content_type=GEOJSON, **headers)


def test_planner_adds_a_feature_in_her_municipality(planner_client, tozeur):
    payload = container(TOZEUR_CENTRE[0] + 0.003, TOZEUR_CENTRE[1], municipality_id=tozeur.municipality.pk)
    response = send(planner_client, "post", POINTS, payload)
    assert response.status_code == 201, response.content
    created = ServicePoint.objects.get(name="Conteneur neuf")
    assert response["Location"].endswith(f"{POINTS}/{created.pk}")
    assert response["ETag"]
    assert created.capacity == 1100 and created.municipality == tozeur.municipality
    assert created.location.x == pytest.approx(TOZEUR_CENTRE[0] + 0.003)
    assert created.history.get().history_user.username == "planner-tozeur"


def test_planner_cannot_add_in_another_municipality(planner_client, tozeur, beja):
    payload = container(*BEJA_CENTRE, municipality_id=beja.municipality.pk)
    assert send(planner_client, "post", POINTS, payload).status_code == 403
    assert not ServicePoint.objects.filter(name="Conteneur neuf").exists()


def test_analysts_read_but_never_write(analyst_client, tozeur):
    payload = container(*TOZEUR_CENTRE, municipality_id=tozeur.municipality.pk)
    assert send(analyst_client, "post", POINTS, payload).status_code == 403


@pytest.mark.parametrize(
    ("payload", "complaint_about"),
    [
        ("not json", "not JSON"),
        ({"type": "FeatureCollection", "features": []}, "Feature"),
        ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.13]}, "properties": {}}, "geometry"),
        (
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[8.13, 33.92], [8.14, 33.93]]}},
            "Point geometries",
        ),
        ({"type": "Feature", "geometry": None, "properties": {"kind": "waste_container"}}, "needs a geometry"),
        ("KIND", "kind"),
        ("SECRET", "reporter"),
    ],
)
def test_invalid_features_get_a_400_and_nothing_is_stored(planner_client, tozeur, payload, complaint_about):
    if payload == "KIND":
        payload = container(*TOZEUR_CENTRE, municipality_id=tozeur.municipality.pk, kind="spaceport")
    elif payload == "SECRET":
        payload = container(*TOZEUR_CENTRE, municipality_id=tozeur.municipality.pk, reporter_name="x")
    before = ServicePoint.objects.count()
    response = send(planner_client, "post", POINTS, payload)
    assert response.status_code == 400
    assert complaint_about in json.loads(response.content)["description"]
    assert ServicePoint.objects.count() == before


def test_two_planners_cannot_overwrite_each_other(planner_client, tozeur):
    path = f"{POINTS}/{tozeur.container.pk}"
    etag = planner_client.get(path)["ETag"]
    # The first planner saves with the ETag she read: accepted, and the feature gets a new ETag.
    first = send(
        planner_client, "patch", path, {"type": "Feature", "properties": {"capacity": 770}}, HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200, first.content
    assert first["ETag"] != etag
    # The second planner read the same version: her save is refused, not silently applied.
    second = send(
        planner_client, "patch", path, {"type": "Feature", "properties": {"capacity": 240}}, HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412
    tozeur.container.refresh_from_db()
    assert tozeur.container.capacity == 770


def test_without_if_match_the_last_write_wins_and_the_history_keeps_the_previous_version(planner_client, tozeur):
    """QGIS sends no If-Match: its edit is accepted, and nothing is lost that the history cannot restore."""
    path = f"{POINTS}/{tozeur.container.pk}"
    no_etag = send(planner_client, "patch", path, {"type": "Feature", "properties": {"capacity": 240}})
    assert no_etag.status_code == 200, no_etag.content
    tozeur.container.refresh_from_db()
    assert tozeur.container.capacity == 240
    latest, previous = tozeur.container.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.capacity, previous.capacity) == (240, 660)
    assert latest.history_user.username == "planner-tozeur"


def test_replace_resets_what_the_new_feature_leaves_out(planner_client, tozeur):
    path = f"{POINTS}/{tozeur.container.pk}"
    etag = planner_client.get(path)["ETag"]
    replacement = container(TOZEUR_CENTRE[0], TOZEUR_CENTRE[1] + 0.002, municipality_id=tozeur.municipality.pk)
    del replacement["properties"]["capacity"]
    response = send(planner_client, "put", path, replacement, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    tozeur.container.refresh_from_db()
    assert tozeur.container.capacity is None
    assert tozeur.container.name == "Conteneur neuf"
    assert tozeur.container.location.y == pytest.approx(TOZEUR_CENTRE[1] + 0.002)


def test_delete_needs_the_current_etag(planner_client, tozeur):
    path = f"{POINTS}/{tozeur.container.pk}"
    assert send(planner_client, "delete", path, HTTP_IF_MATCH='"stale"').status_code == 412
    etag = planner_client.get(path)["ETag"]
    assert send(planner_client, "delete", path, HTTP_IF_MATCH=etag).status_code == 204
    assert not ServicePoint.objects.filter(pk=tozeur.container.pk).exists()


def test_planner_cannot_change_another_municipality(planner_client, tozeur, beja):
    path = f"{POINTS}/{beja.container.pk}"
    response = send(
        planner_client, "patch", path, {"type": "Feature", "properties": {"capacity": 1}}, HTTP_IF_MATCH="*"
    )
    assert response.status_code == 404
    # Nor move her own feature into it.
    own = f"{POINTS}/{tozeur.container.pk}"
    moved = {"type": "Feature", "properties": {"municipality_id": beja.municipality.pk}}
    assert send(planner_client, "patch", own, moved, HTTP_IF_MATCH="*").status_code == 403


def test_moving_a_complaint_routes_it_again(planner_client, tozeur):
    path = f"/ogc/collections/complaints/items/{tozeur.complaint.pk}"
    etag = planner_client.get(path)["ETag"]
    update = {"type": "Feature", "properties": {"status": "in_progress"}}
    assert send(planner_client, "patch", path, update, HTTP_IF_MATCH=etag).status_code == 200
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.status == Complaint.Status.IN_PROGRESS
    assert tozeur.complaint.reporter_contact == "citizen@example.org"  # untouched by the API
    outside = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}
    response = send(planner_client, "patch", path, outside, HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert json.loads(response.content)["description"].startswith("location:")


def test_browser_sessions_need_the_csrf_token(planner_tozeur, tozeur):
    browser = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    browser.force_login(planner_tozeur)
    payload = container(*TOZEUR_CENTRE, municipality_id=tozeur.municipality.pk)
    assert send(browser, "post", POINTS, payload).status_code == 403


def test_options_says_who_may_do_what(planner_client, analyst_client, tozeur):
    item = f"{POINTS}/{tozeur.container.pk}"
    for path, expected in ((POINTS, {"POST"}), (item, {"PUT", "PATCH", "DELETE"})):
        planner, analyst = planner_client.options(path), analyst_client.options(path)
        assert planner.status_code == analyst.status_code == 204
        assert expected <= set(planner["Allow"].split(", "))
        assert set(analyst["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "application/merge-patch+json" in planner_client.options(item)["Accept-Patch"]
    refused = send(planner_client, "put", POINTS, container(*TOZEUR_CENTRE))
    assert refused.status_code == 405 and "POST" in refused["Allow"]


def test_a_merge_patch_is_checked_as_strictly_as_a_feature(planner_client, tozeur):
    path = f"{POINTS}/{tozeur.container.pk}"
    patch = "application/merge-patch+json"
    wrong_type = planner_client.patch(path, json.dumps({"type": "FeatureCollection"}), content_type=patch)
    assert wrong_type.status_code == 400
    other_crs = planner_client.patch(
        path,
        json.dumps({"geometry": {"type": "Point", "coordinates": [500000, 3750000]}}),
        content_type=patch,
        HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/32632>",
    )
    assert other_crs.status_code == 400 and "Content-Crs" in json.loads(other_crs.content)["description"]
    put_as_patch = planner_client.put(path, json.dumps(container(*TOZEUR_CENTRE)), content_type=patch)
    assert put_as_patch.status_code == 415
    tozeur.container.refresh_from_db()
    assert tozeur.container.location.x == pytest.approx(TOZEUR_CENTRE[0]) and tozeur.container.capacity == 660
