"""OGC API - Features Part 5 (schema, queryables), the feature id among the properties and the official codes."""

import json

import pytest

from layers.models import ServicePoint
from tests.api.test_ogc_edit import POINTS, container, send
from tests.conftest import TOZEUR_CENTRE

COLLECTION = "/ogc/collections/service-points"


def body(response) -> dict:
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_collection_links_its_schema_and_queryables(analyst_client, tozeur):
    links = {link["rel"]: link for link in body(analyst_client.get(COLLECTION))["links"]}
    # What QGIS looks for before it trusts a schema: the Part 5 conformance class and this link.
    assert links["http://www.opengis.net/def/rel/ogc/1.0/schema"]["type"] == "application/schema+json"
    assert links["http://www.opengis.net/def/rel/ogc/1.0/queryables"]["href"].endswith(f"{COLLECTION}/queryables")
    conformance = body(analyst_client.get("/ogc/conformance"))["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas" in conformance


def test_the_schema_types_every_property_in_the_order_features_carry_them(analyst_client, tozeur):
    response = analyst_client.get(f"{COLLECTION}/schema")
    assert response["Content-Type"] == "application/schema+json"
    schema = body(response)["properties"]
    assert schema["capacity"]["type"] == "integer"  # no longer guessed from the first features
    assert schema["kind"]["enum"] == [value for value, _ in ServicePoint.Kind.choices]
    assert schema["id"] == {**schema["id"], "type": "integer", "readOnly": True, "x-ogc-role": "id"}
    assert schema["osm_id"]["readOnly"] is True and "readOnly" not in schema["name"]
    assert schema["municipality_code"]["type"] == "string"
    # The geometry has a role and a format but no "type": QGIS would take it for an attribute.
    assert schema["location"] == {"title": "Geometry", "x-ogc-role": "primary-geometry", "format": "geometry-point"}
    feature = body(analyst_client.get(f"{COLLECTION}/items", {"limit": 1}))["features"][0]
    in_sequence = sorted((s["x-ogc-propertySeq"], name) for name, s in schema.items() if "x-ogc-propertySeq" in s)
    assert [name for _, name in in_sequence] == list(feature["properties"])


def test_complaints_schema_marks_time_and_read_only_routing(analyst_client, tozeur):
    schema = body(analyst_client.get("/ogc/collections/complaints/schema"))["properties"]
    assert schema["created_at"]["format"] == "date-time"
    assert schema["created_at"]["x-ogc-role"] == "primary-instant"
    assert schema["municipality_code"]["readOnly"] is True  # a complaint is routed by where it is


def test_queryables_are_typed_and_closed(analyst_client, tozeur):
    queryables = body(analyst_client.get(f"{COLLECTION}/queryables"))
    assert queryables["additionalProperties"] is False
    assert set(queryables["properties"]) == {"municipality", "municipality_code", "kind", "status"}
    assert queryables["properties"]["municipality_code"]["type"] == "string"
    assert "enum" in queryables["properties"]["status"]
    districts = body(analyst_client.get("/ogc/collections/districts/queryables"))["properties"]
    assert districts["is_priority"]["type"] == "boolean"


@pytest.mark.parametrize("path", [f"{COLLECTION}/schema", f"{COLLECTION}/queryables"])
def test_schemas_need_staff_credentials_and_a_known_collection(path, anonymous_client, analyst_client, tozeur):
    assert anonymous_client.get(path).status_code == 401
    assert analyst_client.get("/ogc/collections/nowhere/schema").status_code == 404


def test_features_carry_their_id_and_the_official_code(analyst_client, tozeur, beja):
    feature = body(analyst_client.get(f"{POINTS}/{tozeur.container.pk}"))
    assert feature["properties"]["id"] == feature["id"] == tozeur.container.pk
    assert feature["properties"]["municipality_code"] == "6211"
    assert feature["properties"]["municipality_id"] == tozeur.municipality.pk  # still there for older clients
    page = body(analyst_client.get(f"{POINTS}", {"municipality_code": "6211"}))
    assert [f["id"] for f in page["features"]] == [tozeur.container.pk]
    assert page["numberMatched"] == 1
    governorate = body(analyst_client.get("/ogc/collections/municipalities/items", {"governorate_code": "62"}))
    assert {f["properties"]["governorate_code"] for f in governorate["features"]} == {"62"}


def test_a_planner_writes_the_official_code(planner_client, tozeur, beja):
    payload = container(TOZEUR_CENTRE[0] + 0.003, TOZEUR_CENTRE[1], municipality_code="6211")
    created = send(planner_client, "post", POINTS, payload)
    assert created.status_code == 201, created.content
    assert ServicePoint.objects.get(name="Conteneur neuf").municipality == tozeur.municipality
    path = f"{POINTS}/{tozeur.container.pk}"
    unknown = send(
        planner_client,
        "patch",
        path,
        {"type": "Feature", "properties": {"municipality_code": "0000"}},
        HTTP_IF_MATCH="*",
    )
    assert unknown.status_code == 400 and "0000" in json.loads(unknown.content)["description"]
    elsewhere = send(
        planner_client,
        "patch",
        path,
        {"type": "Feature", "properties": {"municipality_code": "2111"}},
        HTTP_IF_MATCH="*",
    )
    assert elsewhere.status_code == 403
    tozeur.container.refresh_from_db()
    assert tozeur.container.municipality == tozeur.municipality


def test_what_a_client_read_can_be_sent_back_unchanged(planner_client, tozeur):
    """QGIS replaces a feature with every field it read: the id, the code and the read-only columns too."""
    path = f"{POINTS}/{tozeur.container.pk}"
    feature = body(planner_client.get(path))
    feature["properties"]["name"] = "Conteneur du marché"
    replaced = send(
        planner_client, "put", path, {k: feature[k] for k in ("type", "geometry", "properties")}, HTTP_IF_MATCH="*"
    )
    assert replaced.status_code == 200, replaced.content
    tozeur.container.refresh_from_db()
    assert tozeur.container.name == "Conteneur du marché"
    assert tozeur.container.capacity == feature["properties"]["capacity"]
    moved_id = send(
        planner_client,
        "patch",
        path,
        {"type": "Feature", "properties": {"id": tozeur.container.pk + 1}},
        HTTP_IF_MATCH="*",
    )
    assert moved_id.status_code == 400
    read_only = send(
        planner_client, "patch", path, {"type": "Feature", "properties": {"osm_id": 99}}, HTTP_IF_MATCH="*"
    )
    assert read_only.status_code == 400


def test_gdal_gets_the_types_as_a_geojson_feature_schema(analyst_client, tozeur):
    links = body(analyst_client.get(COLLECTION))["links"]
    described = next(link for link in links if link["rel"] == "describedBy")  # GDAL's spelling
    geojson = body(analyst_client.get(described["href"]))
    assert geojson["properties"]["properties"]["properties"]["capacity"]["type"] == "integer"
    assert analyst_client.get(f"{COLLECTION}/schema", {"form": "xml"}).status_code == 400
