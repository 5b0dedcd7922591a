"""OGC API - Features Part 1 at /ogc, on the two known towns (Tozeur and Béja), one feature of each layer."""

import json
import math
from datetime import UTC, datetime

import pyogrio
import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gisportal.api import selectors
from gisportal.api.collections import COLLECTIONS
from gisportal.api.ogc.params import MAX_LIMIT, parse_limit
from layers.models import CollectionRoute, Complaint, ServicePoint
from tests.conftest import TOZEUR_CENTRE

ITEMS = "/ogc/collections/{}/items"
TOZEUR_BOX = "8.10,33.89,8.16,33.95"


def body(response) -> dict:
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def ids(response) -> list[int]:
    return [f["id"] for f in body(response)["features"]]


@pytest.mark.parametrize("path", ["/ogc", "/ogc/conformance", "/ogc/api"])
def test_public_pages_answer_without_redirect(path, anonymous_client, db):
    response = anonymous_client.get(path)
    assert response.status_code == 200
    assert "json" in response["Content-Type"]


def test_landing_page_links_and_conformance(anonymous_client, db):
    rels = {link["rel"] for link in body(anonymous_client.get("/ogc"))["links"]}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= rels
    classes = body(anonymous_client.get("/ogc/conformance"))["conformsTo"]
    for part in ("core", "geojson", "html", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{part}" in classes


def test_layers_need_staff_credentials(anonymous_client, tozeur):
    response = anonymous_client.get("/ogc/collections")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert anonymous_client.get(ITEMS.format("complaints")).status_code == 401
    bad_token = anonymous_client.get("/ogc/collections", HTTP_AUTHORIZATION="Token not-a-token")
    assert bad_token.status_code == 401


def test_every_layer_is_a_collection_with_a_crs84_extent(analyst_client, tozeur, beja):
    collections = {c["id"]: c for c in body(analyst_client.get("/ogc/collections"))["collections"]}
    assert set(collections) == set(COLLECTIONS)
    complaints = collections["complaints"]
    assert complaints["itemType"] == "feature"
    west, south, east, north = complaints["extent"]["spatial"]["bbox"][0]
    # The two complaints sit 0.001° north-east of the Tozeur and Béja centres.
    assert west == pytest.approx(8.131, abs=1e-4) and north == pytest.approx(36.721, abs=1e-4)
    assert east == pytest.approx(9.181, abs=1e-4) and south == pytest.approx(33.921, abs=1e-4)
    assert "temporal" in complaints["extent"]
    one = body(analyst_client.get("/ogc/collections/districts"))
    assert one["id"] == "districts"
    assert analyst_client.get("/ogc/collections/nothing").status_code == 404


@pytest.mark.parametrize("collection_id", list(COLLECTIONS))
def test_items_of_every_layer(collection_id, analyst_client, planner_client, tozeur, beja, delegations):
    response = analyst_client.get(ITEMS.format(collection_id))
    assert response["Content-Type"] == "application/geo+json"
    features = body(response)["features"]
    expected = COLLECTIONS[collection_id]
    assert len(features) == 2
    assert set(features[0]["properties"]) == set(expected.published)
    assert features[0]["geometry"]["type"] == expected.geometry_type
    # A planner sees her municipality's features, and all of the public administrative frame.
    frame = collection_id in {"governorates", "delegations"}
    assert len(ids(planner_client.get(ITEMS.format(collection_id)))) == (2 if frame else 1)


def test_bbox_is_a_true_intersection(analyst_client, tozeur, beja):
    lon, lat = TOZEUR_CENTRE
    diagonal = CollectionRoute.objects.create(
        municipality=tozeur.municipality,
        name="Diagonale",
        service_days=[2],
        starts_at="06:00",
        ends_at="08:00",
        path=MultiLineString(LineString((lon - 0.01, lat - 0.01), (lon + 0.01, lat + 0.01))),
    )
    # This box lies inside the diagonal's bounding box, south-east of the line itself.
    corner = f"{lon + 0.005},{lat - 0.009},{lon + 0.009},{lat - 0.005}"
    assert ids(analyst_client.get(ITEMS.format("collection-routes"), {"bbox": corner})) == []
    on_line = f"{lon + 0.004},{lat + 0.004},{lon + 0.006},{lat + 0.006}"
    assert ids(analyst_client.get(ITEMS.format("collection-routes"), {"bbox": on_line})) == [diagonal.pk]
    assert ids(analyst_client.get(ITEMS.format("complaints"), {"bbox": TOZEUR_BOX})) == [tozeur.complaint.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "1,2,3"},
        {"bbox": "8,34,7,35"},
        {"bbox": "a,b,c,d"},
        {"bbox": TOZEUR_BOX, "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/32632"},
        {"limit": "0"},
        {"limit": "many"},
        {"datetime": "yesterday"},
        {"datetime": "2026-05-01/2026-04-01"},
        {"category": "parking"},
        {"reporter_contact": "citizen@example.org"},
        {"sortby": "created_at"},
        {"after": "-3"},
    ],
)
def test_bad_parameters_get_a_400_with_a_reason(query, analyst_client, tozeur):
    response = analyst_client.get(ITEMS.format("complaints"), query)
    assert response.status_code == 400
    assert json.loads(response.content)["description"]


def test_limit_is_clamped_not_refused(analyst_client, tozeur):
    assert parse_limit(str(MAX_LIMIT * 10)) == MAX_LIMIT
    assert len(ids(analyst_client.get(ITEMS.format("complaints"), {"limit": MAX_LIMIT * 10}))) == 1


def complaints_at(town, when: list[datetime]) -> list[Complaint]:
    made = []
    for i, moment in enumerate(when):
        complaint = Complaint.objects.create(
            municipality=town.municipality,
            district=town.district,
            category=Complaint.Category.ROADS if i % 2 else Complaint.Category.LIGHTING,
            description=f"Signalement {i}",
            reporter_name="Citoyen",
            reporter_contact="+216 20 000 000",
            location=Point(TOZEUR_CENTRE[0] + 0.002 * i, TOZEUR_CENTRE[1], srid=4326),
        )
        Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)
        made.append(complaint)
    return made


def test_next_links_page_through_everything_with_the_same_number_matched(analyst_client, tozeur):
    days = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in range(1, 6)]
    expected = sorted([tozeur.complaint.pk, *(c.pk for c in complaints_at(tozeur, days))])
    seen, url, pages = [], ITEMS.format("complaints") + "?limit=2", 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = body(analyst_client.get(url))
        # The count rides in the page's own statement: no second query.
        assert sum("json_agg" in q["sql"] for q in queries.captured_queries) == 1
        assert not any(q["sql"].lower().startswith("select count(") for q in queries.captured_queries)
        assert page["numberReturned"] == len(page["features"])
        assert page["numberMatched"] == len(expected)  # what the filter matches, on every page
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        pages += 1
    assert seen == expected
    assert pages == 3  # 2 + 2 + 2 features, the last page without a next link


def test_datetime_instant_date_and_open_intervals(analyst_client, tozeur):
    march = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in (1, 10, 20)]
    first, second, third = complaints_at(tozeur, march)

    def between(value: str) -> list[int]:
        return ids(analyst_client.get(ITEMS.format("complaints"), {"datetime": value}))

    assert between("2026-03-10") == [second.pk]
    assert between("2026-03-10T09:00:00Z") == [second.pk]
    assert between("2026-03-05T00:00:00Z/2026-03-25T00:00:00Z") == [second.pk, third.pk]
    assert between("../2026-03-10") == [first.pk, second.pk]
    assert between("2026-03-15/..") == sorted([third.pk, tozeur.complaint.pk])


def test_property_filters(analyst_client, tozeur, beja):
    complaints_at(tozeur, [datetime(2026, 3, 1, tzinfo=UTC)] * 3)  # lighting, roads, lighting
    assert len(ids(analyst_client.get(ITEMS.format("complaints"), {"category": "lighting"}))) == 2
    assert len(ids(analyst_client.get(ITEMS.format("complaints"), {"category": "waste"}))) == 2
    in_beja = ids(analyst_client.get(ITEMS.format("complaints"), {"category": "waste", "municipality": "2111"}))
    assert in_beja == [beja.complaint.pk]
    assert ids(analyst_client.get(ITEMS.format("districts"), {"is_priority": "true"})) == []


def test_property_filters_are_declared_in_the_openapi_document(anonymous_client, db):
    document = body(anonymous_client.get("/ogc/api"))
    parameters = document["paths"]["/collections/complaints/items"]["get"]["parameters"]
    declared = {p["name"]: p for p in parameters if "name" in p}
    assert declared["category"]["schema"]["enum"] == [c.value for c in Complaint.Category]
    assert {"municipality", "status"} <= set(declared)
    assert {"limit", "bbox", "datetime"} <= set(document["components"]["parameters"])


def test_single_feature_with_etag_and_scope(analyst_client, planner_client, tozeur, beja):
    response = analyst_client.get(f"{ITEMS.format('service-points')}/{tozeur.container.pk}")
    feature = body(response)
    assert feature["id"] == tozeur.container.pk
    assert feature["properties"]["capacity"] == 660
    assert feature["geometry"]["coordinates"] == list(TOZEUR_CENTRE)
    etag = response["ETag"]
    cached = analyst_client.get(f"{ITEMS.format('service-points')}/{tozeur.container.pk}", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert planner_client.get(f"{ITEMS.format('service-points')}/{beja.container.pk}").status_code == 404
    assert analyst_client.get(f"{ITEMS.format('service-points')}/999999").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ogc",
        "/ogc/conformance",
        "/ogc/api",
        "/ogc/collections",
        "/ogc/collections/complaints",
        ITEMS.format("complaints"),
    ],
)
def test_every_page_has_an_html_twin(path, analyst_client, tozeur):
    response = analyst_client.get(path, {"f": "html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    browser = analyst_client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert browser["Content-Type"].startswith("text/html")
    assert analyst_client.get(path, {"f": "xml"}).status_code == 406


def test_html_items_read_each_value_in_its_own_direction(analyst_client, tozeur):
    page = analyst_client.get(ITEMS.format("service-points"), {"f": "html"}).content.decode()
    assert page.count("<th>id</th>") == 1  # the link column; the property is not repeated
    assert '<td dir="auto">Conteneur Tozeur</td>' in page  # an Arabic name stays right to left in a French page


def test_reporter_details_never_leave_the_api(analyst_client, tozeur):
    complaints_at(tozeur, [datetime(2026, 3, 1, tzinfo=UTC)])
    pages = [
        analyst_client.get(ITEMS.format("complaints")),
        analyst_client.get(ITEMS.format("complaints"), {"f": "html"}),
        analyst_client.get(f"{ITEMS.format('complaints')}/{tozeur.complaint.pk}"),
        analyst_client.get(f"{ITEMS.format('complaints')}/{tozeur.complaint.pk}", {"f": "html"}),
        analyst_client.get("/ogc/api"),
    ]
    for page in pages:
        text = page.content.decode()
        for secret in ("citizen@example.org", "+216 20 000 000", "Citoyen", "reporter_"):
            assert secret not in text
    for collection in COLLECTIONS.values():
        assert not {"reporter_name", "reporter_contact"} & {*collection.properties, *collection.tile_properties}


def test_moderated_complaints_are_withheld_everywhere(analyst_client, tozeur, tmp_path, settings):
    settings.TILE_CACHE_DIR = str(tmp_path)
    hidden = complaints_at(tozeur, [datetime(2026, 3, 1, tzinfo=UTC)])[0]
    Complaint.objects.filter(pk=hidden.pk).update(is_hidden=True, description="Le voisin, M. X, au 3 rue Y")
    assert ids(analyst_client.get(ITEMS.format("complaints"))) == [tozeur.complaint.pk]
    assert body(analyst_client.get(ITEMS.format("complaints")))["numberMatched"] == 1  # nor counted
    assert analyst_client.get(f"{ITEMS.format('complaints')}/{hidden.pk}").status_code == 404
    rest = json.loads(analyst_client.get("/api/complaints/").content)
    assert [f["id"] for f in rest["features"]] == [tozeur.complaint.pk]
    assert analyst_client.get(f"/api/complaints/{hidden.pk}/").status_code == 404
    z, n = 14, 2**14  # the tile holding both complaints counts one
    x = int((TOZEUR_CENTRE[0] + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(TOZEUR_CENTRE[1]))) / math.pi) / 2 * n)
    tile = analyst_client.get(f"/tiles/complaints/{z}/{x}/{y}.pbf")
    assert b"M. X" not in tile.content
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(tile.content)
    assert len(pyogrio.read_dataframe(path)) == 1


def test_number_matched_counts_what_the_filters_match(analyst_client, planner_client, tozeur, beja):
    complaints_at(tozeur, [datetime(2026, 3, 1, tzinfo=UTC)] * 3)  # lighting, roads, lighting in Tozeur
    complaints = ITEMS.format("complaints")
    assert body(analyst_client.get(complaints, {"limit": 1}))["numberMatched"] == 5
    assert body(analyst_client.get(complaints, {"category": "lighting"}))["numberMatched"] == 2
    assert body(analyst_client.get(complaints, {"bbox": "8.1,33.9,8.2,34.0", "limit": 1}))["numberMatched"] == 4
    assert body(planner_client.get(complaints, {"limit": 1}))["numberMatched"] == 4  # her municipality only


def test_a_large_layer_gives_the_planners_estimate_only_when_unfiltered(analyst_client, tozeur, beja, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_COUNT_BELOW", 1)  # every test table is now "large"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE layers_servicepoint, layers_complaint")  # a table never analysed is counted
    ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="pharmacy", location=Point(*TOZEUR_CENTRE, srid=4326)
    )
    points = ITEMS.format("service-points")
    # The statistics' two rows, not a count (which would find the third, added since ANALYZE).
    assert body(analyst_client.get(points, {"limit": 1}))["numberMatched"] == 2
    assert "numberMatched" not in body(analyst_client.get(points, {"kind": "waste_container"}))
    # The statistics count withheld complaints too: a large complaints layer gives no estimate at all.
    assert "numberMatched" not in body(analyst_client.get(ITEMS.format("complaints")))
