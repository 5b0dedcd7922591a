"""REST API under /api/: every layer as GeoJSON with filters and cursor paging, writes for planners, local docs."""

import gzip
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from gisportal.api.collections import COLLECTIONS
from layers.models import ServicePoint
from tests.api.test_ogc_read import complaints_at
from tests.conftest import TOZEUR_CENTRE


def features(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return json.loads(response.content)["features"]


@pytest.mark.parametrize("collection_id", list(COLLECTIONS))
def test_every_layer_lists_as_geojson(collection_id, analyst_client, planner_client, tozeur, beja, delegations):
    listed = features(analyst_client.get(f"/api/{collection_id}/"))
    assert len(listed) == 2
    assert set(listed[0]["properties"]) == set(COLLECTIONS[collection_id].published)
    frame = collection_id in {"governorates", "delegations"}
    assert len(features(planner_client.get(f"/api/{collection_id}/"))) == (2 if frame else 1)


def test_anonymous_callers_get_a_401(anonymous_client, tozeur):
    assert anonymous_client.get("/api/complaints/").status_code == 401


def test_filters_bbox_and_dates(analyst_client, tozeur, beja):
    march = complaints_at(tozeur, [datetime(2026, 3, d, 9, tzinfo=UTC) for d in (1, 10)])

    def ids(**query) -> list[int]:
        return [f["id"] for f in features(analyst_client.get("/api/complaints/", query))]

    assert ids(municipality="2111") == [beja.complaint.pk]
    assert ids(category="lighting") == [march[0].pk]
    assert ids(datetime="2026-03-05/2026-03-31") == [march[1].pk]
    assert sorted(ids(bbox="8.1,33.9,8.2,34.0")) == sorted([tozeur.complaint.pk, *(c.pk for c in march)])
    assert analyst_client.get("/api/complaints/", {"category": "parking"}).status_code == 400
    assert analyst_client.get("/api/complaints/", {"reporter_contact": "x"}).status_code == 400


def test_ordering_and_cursor_paging(analyst_client, tozeur):
    days = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in (5, 1, 3, 2, 4)]
    made = complaints_at(tozeur, days)
    newest_first = [c.pk for _, c in sorted(zip(days, made, strict=True), reverse=True)]
    seen, url = [], "/api/complaints/?limit=2&ordering=-created_at&datetime=../2026-03-31"
    while url:
        page = json.loads(analyst_client.get(url).content)
        seen += [f["id"] for f in page["features"]]
        url = page["next"]
    assert seen == newest_first
    assert analyst_client.get("/api/complaints/", {"ordering": "description"}).status_code == 400
    assert analyst_client.get("/api/complaints/", {"cursor": "garbage"}).status_code == 400


def test_planner_writes_within_her_municipality(planner_client, tozeur, beja):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [TOZEUR_CENTRE[0] + 0.004, TOZEUR_CENTRE[1]]},
        "properties": {"municipality_id": tozeur.municipality.pk, "kind": "pharmacy", "name": "Pharmacie du marché"},
    }
    created = planner_client.post("/api/service-points/", feature, content_type="application/json")
    assert created.status_code == 201, created.content
    pharmacy = ServicePoint.objects.get(name="Pharmacie du marché")
    assert pharmacy.municipality == tozeur.municipality and pharmacy.kind == "pharmacy"
    patched = planner_client.patch(
        f"/api/service-points/{pharmacy.pk}/", {"properties": {"capacity": 3}}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    pharmacy.refresh_from_db()
    assert pharmacy.capacity == 3
    elsewhere = {**feature, "properties": {**feature["properties"], "municipality_id": beja.municipality.pk}}
    assert planner_client.post("/api/service-points/", elsewhere, content_type="application/json").status_code == 403
    assert planner_client.delete(f"/api/service-points/{beja.container.pk}/").status_code == 404
    assert planner_client.delete(f"/api/service-points/{pharmacy.pk}/").status_code == 204


def test_invalid_writes_get_clear_errors(planner_client, analyst_client, tozeur):
    bad_kind = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(TOZEUR_CENTRE)},
        "properties": {"municipality_id": tozeur.municipality.pk, "kind": "spaceport"},
    }
    response = planner_client.post("/api/service-points/", bad_kind, content_type="application/json")
    assert response.status_code == 400
    assert "kind" in json.loads(response.content)
    assert analyst_client.post("/api/service-points/", bad_kind, content_type="application/json").status_code == 403
    assert ServicePoint.objects.count() == 1


def test_openapi_and_docs_are_served_locally(analyst_client, db):
    schema = analyst_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    document = json.loads(schema.content)
    parameters = {p["name"] for p in document["paths"]["/api/complaints/"]["get"]["parameters"]}
    assert {"bbox", "datetime", "ordering", "cursor", "municipality", "category", "status"} <= parameters
    assert "reporter_contact" not in schema.content.decode()
    for page in ("/api/docs/", "/api/redoc/"):
        html = analyst_client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        # Every script and stylesheet is local (a bare "cdn" may occur inside an inline hash).
        remote = re.findall(r"""<(?:script|link)[^>]*(?:src|href)=["']?(?:https?:)?//[^>]*>""", html)
        assert not remote, remote


def test_reporter_details_never_leave_the_rest_api(analyst_client, tozeur):
    pages = [
        analyst_client.get("/api/complaints/"),
        analyst_client.get(f"/api/complaints/{tozeur.complaint.pk}/"),
        analyst_client.get("/api/schema/", {"format": "json"}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "citizen@example.org" not in page.content.decode()
        assert "reporter_" not in page.content.decode()


def test_the_openapi_document_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/analyses/{name}/" in (tmp_path / "schema.yml").read_text()


def test_each_layer_is_described_and_tagged_as_itself_in_the_docs(analyst_client, db):
    document = json.loads(analyst_client.get("/api/schema/", {"format": "json", "lang": "en"}).content)
    with translation.override("en"):
        for collection_id, collection in COLLECTIONS.items():
            for method, operation in document["paths"][f"/api/{collection_id}/"].items():
                assert operation["tags"] == [collection_id], (collection_id, method)
                assert operation["summary"].startswith(f"{collection.title}:"), operation["summary"]
                assert operation["description"] == str(collection.description)
    listing = document["paths"]["/api/service-points/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"kind", "municipality_code"} <= names and "category" not in names  # its own filters only


def test_the_docs_page_downloads_less_than_500_kb(analyst_client, db):
    """What a browser fetches for /api/docs/, compressed: the page, its local scripts and styles, the document."""
    html = analyst_client.get("/api/docs/").content.decode()
    assert "swagger-ui-standalone-preset" not in html  # unused by the page's BaseLayout
    assets = re.findall(r"""(?:src|href)=["']?/static/([^"'>\s]+)""", html)
    assert any(name.endswith("swagger-ui-bundle.js") for name in assets)
    weight = len(gzip.compress(html.encode()))
    for name in assets:
        weight += len(gzip.compress(Path(finders.find(name)).read_bytes()))
    document = analyst_client.get("/api/schema/", HTTP_ACCEPT_ENCODING="gzip")
    assert document["Content-Encoding"] == "gzip"
    weight += len(document.content)
    assert weight < 500_000, weight


def test_a_feature_names_its_municipality_by_code_in_lists_and_alone(analyst_client, tozeur):
    listed = features(analyst_client.get("/api/service-points/", {"municipality_code": "6211"}))
    assert [f["properties"]["municipality_code"] for f in listed] == ["6211"]
    alone = json.loads(analyst_client.get(f"/api/service-points/{tozeur.container.pk}/").content)
    assert alone["properties"]["municipality_code"] == "6211"
