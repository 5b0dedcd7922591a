"""QGIS's own OGC API - Features session, replayed request by request against the portal.

The order, methods, headers and bodies are those of QGIS's OAPIF provider (3.22 reads; 3.32+ edits):
landing page, API document, collection, conformance, schema, a first page of 10, `limit=1` for the
feature count, OPTIONS on the items and on one item to learn what may be edited, then the download by
bbox with next links; edits as POST, merge-patch PATCH of attributes and of the geometry, PUT of the
whole feature it read, DELETE — all with HTTP Basic and without If-Match, as QGIS sends them.
"""

import base64
import json

import pytest
from django.core.cache import cache
from django.test import Client

from layers.models import ServicePoint
from tests.api.conftest import HOST
from tests.conftest import TOZEUR_CENTRE

GEOJSON_ACCEPT = "application/geo+json, application/json"
MERGE_PATCH = "application/merge-patch+json"


class QgisClient:
    """Sends what QGIS sends: Basic credentials on every request, its Accept headers, no If-Match."""

    def __init__(self, username: str) -> None:
        credential = base64.b64encode(f"{username}:a-long-test-password".encode()).decode()
        self.client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Basic {credential}")

    def get(self, href: str, accept: str = "application/json") -> dict:
        response = self.client.get(href, HTTP_ACCEPT=accept)
        assert response.status_code == 200, (href, response.content)
        return json.loads(response.content)

    def allowed(self, href: str) -> set[str]:
        response = self.client.options(href)
        assert response.status_code in {200, 204}, (href, response.status_code)
        return {method.strip() for method in response["Allow"].split(",")}

    def send(self, method: str, href: str, payload: dict, content_type: str = "application/geo+json"):
        return getattr(self.client, method)(href, data=json.dumps(payload), content_type=content_type)


def link(document: dict, rel: str) -> str:
    return next(item["href"] for item in document["links"] if item["rel"] == rel)


def open_layer(qgis: QgisClient, collection_id: str) -> dict:
    """What QgsOapifProvider::init() asks, in its order; returns what QGIS learnt."""
    landing = qgis.get("/ogc")
    api = qgis.get(link(landing, "service-desc"), "application/vnd.oai.openapi+json;version=3.0, application/json")
    assert f"/collections/{collection_id}/items" in api["paths"]
    collection = qgis.get(f"{link(landing, 'data')}/{collection_id}")
    conformance = qgis.get(link(landing, "conformance"))["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas" in conformance
    schema_href = link(collection, "http://www.opengis.net/def/rel/ogc/1.0/schema")
    fields = qgis.get(schema_href, "application/schema+json")["properties"]
    items = f"{link(landing, 'data')}/{collection_id}/items"
    first = qgis.get(f"{items}?limit=10", GEOJSON_ACCEPT)
    count = qgis.get(f"{items}?limit=1", GEOJSON_ACCEPT)["numberMatched"]  # featureCount()
    may = qgis.allowed(items)
    first_id = first["features"][0]["id"] if first["features"] else "unknown_id"
    may_feature = qgis.allowed(f"{items}/{first_id}")
    return {
        "items": items,
        "extent": collection["extent"].get("spatial", {}).get("bbox", [None])[0],
        "fields": {name: s.get("type") for name, s in fields.items() if "type" in s},
        "count": count,
        "add": "POST" in may,
        "change": "PUT" in may_feature,
        "patch": "PATCH" in may_feature,
        "delete": "DELETE" in may_feature,
    }


def download(qgis: QgisClient, items: str, bbox: list[float], page_size: int) -> list[dict]:
    features: list[dict] = []
    href: str | None = f"{items}?limit={page_size}&bbox={','.join(map(str, bbox))}"
    while href:
        page = qgis.get(href, GEOJSON_ACCEPT)
        features += page["features"]
        href = next((item["href"] for item in page["links"] if item["rel"] == "next"), None)
    return features


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_an_analyst_reads_every_layer_as_qgis_does(analyst, tozeur, beja):
    qgis = QgisClient("analyst")
    layer = open_layer(qgis, "service-points")
    assert layer["fields"]["capacity"] == "integer" and layer["fields"]["id"] == "integer"
    assert layer["count"] == 2
    assert not (layer["add"] or layer["change"] or layer["delete"])  # analysts read, QGIS offers no editing
    features = download(qgis, layer["items"], layer["extent"], page_size=1)
    assert len(features) == layer["count"]
    assert {f["properties"]["municipality_code"] for f in features} == {"6211", "2111"}
    assert all(f["properties"]["id"] == f["id"] for f in features)


def test_a_planner_edits_as_qgis_3_32_does(planner_tozeur, tozeur, beja):
    qgis = QgisClient("planner-tozeur")
    layer = open_layer(qgis, "service-points")
    assert layer["count"] == 1 and layer["add"] and layer["change"] and layer["patch"] and layer["delete"]
    items = layer["items"]
    # Add: every field of the layer, the id null (QGIS sends it when features carry one in their properties).
    new = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [TOZEUR_CENTRE[0] + 0.004, TOZEUR_CENTRE[1]]},
    }
    new["properties"] = dict.fromkeys(layer["fields"]) | {
        "kind": "waste_container",
        "name": "Conteneur QGIS",
        "status": "in_service",
        "municipality_code": "6211",
        "capacity": 1100,
    }
    created = qgis.send("post", items, new)
    assert created.status_code == 201, created.content
    feature_id = created["Location"].rsplit("/items/", 1)[1]
    read_back = qgis.get(f"{items}/{feature_id}", GEOJSON_ACCEPT)  # QGIS refreshes the feature it added
    assert read_back["properties"]["municipality_code"] == "6211"
    # Change an attribute: a merge patch without "type", without If-Match.
    patched = qgis.send("patch", f"{items}/{feature_id}", {"properties": {"capacity": 880}}, MERGE_PATCH)
    assert patched.status_code in {200, 204}, patched.content
    # Move it: a merge patch of the geometry alone.
    moved = {"geometry": {"type": "Point", "coordinates": [TOZEUR_CENTRE[0] + 0.005, TOZEUR_CENTRE[1]]}}
    assert qgis.send("patch", f"{items}/{feature_id}", moved, MERGE_PATCH).status_code in {200, 204}
    # Without PATCH support QGIS would PUT back the whole feature it holds, the id as a string on top.
    whole = qgis.get(f"{items}/{feature_id}", GEOJSON_ACCEPT)
    whole["properties"]["name"] = "Conteneur QGIS renommé"
    put = {"type": "Feature", "id": feature_id, "geometry": whole["geometry"], "properties": whole["properties"]}
    replaced = qgis.send("put", f"{items}/{feature_id}", put)
    assert replaced.status_code in {200, 204}, replaced.content
    point = ServicePoint.objects.get(pk=feature_id)
    assert (point.name, point.capacity) == ("Conteneur QGIS renommé", 880)
    assert point.location.x == pytest.approx(TOZEUR_CENTRE[0] + 0.005)
    assert point.history.count() == 4  # created, patched, moved, replaced: each version restorable
    assert qgis.client.delete(f"{items}/{feature_id}").status_code == 204
    assert not ServicePoint.objects.filter(pk=feature_id).exists()


def test_qgis_learns_it_may_edit_an_empty_layer(planner_tozeur, tozeur):
    ServicePoint.objects.all().delete()
    layer = open_layer(QgisClient("planner-tozeur"), "service-points")  # OPTIONS …/items/unknown_id
    assert layer["count"] == 0 and layer["add"] and layer["change"] and layer["delete"]
