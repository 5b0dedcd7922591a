"""The standard clients read the live server: GDAL's OAPIF driver (as QGIS uses it) and OWSLib."""

import json
import subprocess
from pathlib import Path
from urllib.request import Request, urlopen

import pyogrio
import pytest
from rest_framework.authtoken.models import Token

from gisportal.api.collections import COLLECTIONS
from layers.models import ServicePoint


@pytest.fixture
def analyst_token(analyst) -> str:
    return Token.objects.create(user=analyst).key


def gdal(live_server, token: str, *args: str) -> str:
    command = [*args, "--config", "GDAL_HTTP_HEADERS", f"Authorization: Token {token}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr, done.stderr
    return done.stdout


def test_ogrinfo_lists_every_collection(live_server, transactional_db, tozeur, beja, analyst_token):
    listing = gdal(live_server, analyst_token, "ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogc")
    for collection_id in COLLECTIONS:
        assert f": {collection_id} (" in listing


def test_ogrinfo_pages_through_next_links_with_a_bbox(live_server, transactional_db, tozeur, beja, analyst_token):
    summary = gdal(
        live_server,
        analyst_token,
        "ogrinfo",
        "-ro",
        "-so",
        "-oo",
        "PAGE_SIZE=1",
        f"OAPIF:{live_server.url}/ogc",
        "complaints",
    )
    assert "Feature Count: 2" in summary
    tozeur_only = gdal(
        live_server,
        analyst_token,
        "ogrinfo",
        "-ro",
        "-al",
        "-q",
        "-spat",
        "8.1",
        "33.9",
        "8.2",
        "34.0",
        f"OAPIF:{live_server.url}/ogc",
        "complaints",
    )
    assert tozeur.complaint.tracking_code in tozeur_only
    assert beja.complaint.tracking_code not in tozeur_only
    assert "citizen@example.org" not in tozeur_only


def test_ogr2ogr_copies_every_collection_into_a_geopackage(
    live_server, transactional_db, tozeur, beja, analyst_token, tmp_path: Path
):
    target = tmp_path / "layers.gpkg"
    gdal(live_server, analyst_token, "ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server.url}/ogc")
    layers = dict(pyogrio.list_layers(target))
    assert set(layers) == set(COLLECTIONS)
    assert pyogrio.read_info(target, layer="service-points")["features"] == 2
    assert pyogrio.read_info(target, layer="districts")["geometry_type"] == "MultiPolygon"


def test_owslib_reads_collections_and_items(live_server, transactional_db, tozeur, beja, analyst_token):
    features = pytest.importorskip("owslib.ogcapi.features")
    api = features.Features(live_server.url + "/ogc", headers={"Authorization": f"Token {analyst_token}"})
    assert {c["id"] for c in api.collections()["collections"]} == set(COLLECTIONS)
    page = api.collection_items("service-points", limit=1)
    assert page["numberReturned"] == 1
    queryables = api.conformance()["conformsTo"]
    assert any(c.endswith("ogcapi-features-1/1.0/conf/core") for c in queryables)


def test_an_edit_through_part_4_round_trips_to_gdal(live_server, transactional_db, tozeur, planner_tozeur):
    token = Token.objects.create(user=planner_tozeur).key
    path = f"{live_server.url}/ogc/collections/service-points/items/{tozeur.container.pk}"
    headers = {"Authorization": f"Token {token}"}
    with urlopen(Request(path, headers=headers)) as response:  # noqa: S310 (the local test server)
        etag = response.headers["ETag"]
    change = json.dumps({"type": "Feature", "properties": {"name": "Conteneur du souk"}}).encode()
    update = Request(  # noqa: S310
        path,
        data=change,
        method="PATCH",
        headers={**headers, "Content-Type": "application/geo+json", "If-Match": etag},
    )
    with urlopen(update) as response:  # noqa: S310
        assert response.status == 200
    listing = gdal(live_server, token, "ogrinfo", "-ro", "-al", "-q", f"OAPIF:{live_server.url}/ogc", "service-points")
    assert "name (String) = Conteneur du souk" in listing


def test_gdal_with_http_basic_reads_the_published_field_types(live_server, transactional_db, tozeur, beja, analyst):
    # Only features without a capacity: GDAL would guess a string from them, the schema says integer.
    ServicePoint.objects.update(capacity=None)
    command = [
        "ogrinfo",
        "-ro",
        "-so",
        f"OAPIF:{live_server.url}/ogc",
        "service-points",
        "--config",
        "GDAL_HTTP_AUTH",
        "BASIC",
        "--config",
        "GDAL_HTTP_USERPWD",
        "analyst:a-long-test-password",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "capacity: Integer" in done.stdout, done.stdout
    assert "municipality_code: String" in done.stdout
