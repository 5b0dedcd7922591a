"""The OpenAPI documents say what the APIs answer (findings of Schemathesis, issue 15), and REST writes name the
municipality by its official code as filters and analyses do (issue 16)."""

import json

import pytest

from gisportal.api.collections import COLLECTIONS
from layers.models import ServicePoint


@pytest.fixture
def rest_document(analyst_client, db) -> dict:
    return json.loads(analyst_client.get("/api/schema/", {"format": "json"}).content)


def test_rest_lists_are_documented_as_the_geojson_pages_they_are(analyst_client, rest_document, tozeur):
    for collection_id in COLLECTIONS:
        answer = rest_document["paths"][f"/api/{collection_id}/"]["get"]["responses"]["200"]["content"]
        assert list(answer) == ["application/geo+json"]
        page = answer["application/geo+json"]["schema"]
        assert {"type", "next", "numberReturned", "features"} <= set(page["properties"])
    assert analyst_client.get("/api/service-points/")["Content-Type"] == "application/geo+json"


def test_the_analyses_index_is_documented_as_a_list(analyst_client, rest_document):
    schema = rest_document["paths"]["/api/analyses/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["type"] == "array"
    assert isinstance(analyst_client.get("/api/analyses/").json(), list)


def test_nullable_keys_and_codes_are_documented_nullable(rest_document):
    schemas = rest_document["components"]["schemas"]
    complaint = schemas["Complaints"]["properties"]["properties"]["properties"]
    assert complaint["district_id"]["nullable"] is True  # a complaint outside every district
    assert schemas["ServicePoints"]["properties"]["properties"]["properties"]["osm_id"]["nullable"] is True
    route = schemas["CollectionRoutes"]["properties"]["properties"]["properties"]
    assert "format" not in route["starts_at"] and route["starts_at"]["pattern"]  # "06:30:00" has no offset


def test_every_rest_operation_documents_its_errors(rest_document):
    for path, operations in rest_document["paths"].items():
        if not path.startswith(("/api/analyses/", *(f"/api/{c}/" for c in COLLECTIONS))):
            continue
        for method, operation in operations.items():
            assert {"401", "403", "406"} <= set(operation["responses"]), (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "415"} <= set(operation["responses"]), (method, path)
    assert set(rest_document["components"]["responses"]["Error401"]["content"]) == {"application/json"}


def test_an_address_under_the_api_that_no_view_serves_is_a_json_404(planner_client, tozeur):
    for method in ("get", "delete"):
        response = getattr(planner_client, method)("/api/service-points/1.5/")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert planner_client.get("/api/service-points", follow=False).status_code == 301  # APPEND_SLASH still


def test_deleting_a_feature_others_refer_to_is_a_409(administrator, tozeur):
    from tests.api.conftest import token_client

    response = token_client(administrator).delete(f"/api/governorates/{tozeur.municipality.governorate_id}/")
    assert response.status_code == 409, response.content
    assert "refer" in response.json()["detail"]


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def test_rest_writes_name_the_municipality_by_its_code(planner_client, tozeur, beja):
    body = {
        "type": "Feature",
        "geometry": point(8.13, 33.92),
        "properties": {"municipality_code": "6211", "kind": "pharmacy", "name": "Pharmacie du centre"},
    }
    created = planner_client.post("/api/service-points/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    feature = created.json()
    assert feature["properties"]["municipality_code"] == "6211"
    assert feature["properties"]["municipality_id"] == tozeur.municipality.pk  # still read, for older clients
    url = f"/api/service-points/{feature['id']}/"
    moved = planner_client.patch(url, {"properties": {"municipality_code": "2111"}}, content_type="application/json")
    assert moved.status_code == 403  # Béja is not hers
    unknown = planner_client.patch(url, {"properties": {"municipality_code": "9999"}}, content_type="application/json")
    assert unknown.status_code == 400 and "municipality_code" in unknown.json()
    assert ServicePoint.objects.get(pk=feature["id"]).municipality == tozeur.municipality


def test_rest_writes_still_take_the_internal_key(planner_client, tozeur):
    body = {
        "type": "Feature",
        "geometry": point(8.13, 33.92),
        "properties": {"municipality_id": tozeur.municipality.pk, "kind": "pharmacy"},
    }
    created = planner_client.post("/api/service-points/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["properties"]["municipality_code"] == "6211"
    body["properties"] = {"kind": "pharmacy"}
    missing = planner_client.post("/api/service-points/", body, content_type="application/json")
    assert missing.status_code == 400 and "municipality_id" in missing.json()
