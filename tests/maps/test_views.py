"""The map pages and their JSON endpoints, through Django's test client, on the `tozeur` and `beja` fixtures."""

import json
import re

import folium
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gisportal import spaces
from maps import builders, selectors
from maps.assets import UnknownAsset, use_local_assets
from maps.export import municipality_html
from tests.conftest import TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE
EXTERNAL_LINK = re.compile(r'(?:src|href)="(?:https?:)?//')


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize(
    "path",
    [
        "/m/6211/",
        "/ar/m/6211/services/",
        "/en/m/6211/collection/",
        "/m/6211/complaints/",
        "/m/6211/districts/",
        "/m/",
        "/ar/m/",
    ],
)
def test_map_pages_use_only_local_assets_and_no_personal_data(
    client: Client, tozeur: Town, beja: Town, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL_LINK.findall(html) == []
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert "citizen@example.org" not in html


def test_municipality_page_has_its_layers_in_the_language_asked(client: Client, tozeur: Town) -> None:
    html = client.get("/ar/m/6211/").content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert json.dumps("حاوية فضلات") in html  # the waste container layer's name, in Arabic
    assert "/ar/m/6211/collection-day.json" in html
    assert 'href="/ar/open-data/?municipality=6211">البيانات المفتوحة</a>' in html  # the map's layers as files


def test_unknown_municipality_is_a_404(client: Client, tozeur: Town) -> None:
    assert client.get("/m/9999/").status_code == 404
    assert client.get("/m/9999/collection-day.json?lat=33.9&lon=8.1").status_code == 404


def test_collection_day_answers_for_a_point_in_tozeur(client: Client, tozeur: Town) -> None:
    response = client.get(f"/m/6211/collection-day.json?lat={LAT + 0.001}&lon={LON}")

    assert response.status_code == 200
    answer = response.json()
    assert answer["route"] == "Tournée Tozeur"
    assert answer["days_label"] == "lundi, mercredi, vendredi"
    assert (answer["starts"], answer["ends"], answer["distance"]) == ("06:00", "10:00", "111 m")
    assert client.get(f"/en/m/6211/collection-day.json?lat={LAT}&lon={LON}").json()["days_label"] == (
        "Monday, Wednesday, Friday"
    )


def test_nearest_service_answers_in_arabic(client: Client, tozeur: Town) -> None:
    answer = client.get(f"/ar/m/6211/nearest-service.json?lat={LAT}&lon={LON + 0.001}").json()["nearest"]

    assert answer["title"] == "Conteneur Tozeur"
    assert answer["kind_label"] == "حاوية فضلات"


@pytest.mark.parametrize(
    ("query", "message"),
    [("lat=abc&lon=8.1", "lat must be a number"), ("lon=8.1", "lat is missing"), ("lat=95&lon=8.1", "out of range")],
)
def test_a_bad_position_is_a_400_with_its_reason(client: Client, tozeur: Town, query: str, message: str) -> None:
    response = client.get(f"/en/m/6211/collection-day.json?{query}")

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_complaints_in_view_in_two_queries_without_personal_data(
    client: Client, tozeur: Town, django_assert_num_queries
) -> None:
    # The capped count, then the points; ATOMIC_REQUESTS wraps them in a savepoint and its release.
    with django_assert_num_queries(4):
        response = client.get(f"/m/complaints.json?bbox={LON - 0.05},{LAT - 0.05},{LON + 0.05},{LAT + 0.05}&zoom=14")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.json()["features"]) == 1
    assert b"citizen@example.org" not in response.content


@pytest.mark.parametrize(
    "query",
    ["bbox=1,2,3&zoom=5", "bbox=10,30,8,38&zoom=5", "bbox=7,30,12,38&zoom=99", "bbox=7,30,12,38&zoom=5&state=secret"],
)
def test_complaints_in_view_refuses_bad_queries(client: Client, tozeur: Town, query: str) -> None:
    response = client.get(f"/en/m/complaints.json?{query}")

    assert response.status_code == 400
    assert response.json()["error"]


def test_a_plugin_nobody_vendored_is_refused_rather_than_fetched_from_a_cdn() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.LocateControl().add_to(m)

    with pytest.raises(UnknownAsset, match="Control_locate_min_js"):
        use_local_assets(m)


def test_use_local_assets_leaves_folium_s_own_lists_alone(tozeur: Town) -> None:
    frame = selectors.municipality_frame("6211")
    assert frame is not None
    builders.services_map(frame, None)

    assert folium.Map.default_js[0][1].startswith("https://")


def test_export_is_one_file_with_everything_inlined(tozeur: Town) -> None:
    html = municipality_html("6211", language="ar")

    assert '<html lang="ar" dir="rtl">' in html
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "data:font/woff2;base64," in html  # Font Awesome's icons
    assert "L.gisportalComplaints" in html and "/m/complaints.json" not in html  # a snapshot, no server
    assert "citizen@example.org" not in html


def test_export_command_writes_a_file_per_municipality(tozeur: Town, beja: Town, tmp_path, capsys) -> None:
    call_command("export_map", "6211", "2111", "--output", str(tmp_path))

    assert sorted(path.name for path in tmp_path.iterdir()) == ["gisportal-2111-fr.html", "gisportal-6211-fr.html"]
    assert capsys.readouterr().out.strip().endswith("2 map(s) written to " + str(tmp_path) + ".")
    with pytest.raises(CommandError, match="No municipality has the code 0000"):
        call_command("export_map", "0000", "--output", str(tmp_path))


def test_places_are_found_by_name_in_the_municipality(client: Client, tozeur: Town, beja: Town) -> None:
    found = client.get("/m/6211/places.json?q=tozeur").json()["places"]

    # The district first (at its centre), then the named container; nothing of Béja.
    assert [place["name"] for place in found] == ["Tozeur centre", "Conteneur Tozeur"]
    assert (found[0]["lon"], found[0]["lat"]) == pytest.approx((LON, LAT), abs=1e-6)
    assert client.get("/m/6211/places.json?q=100%").json()["places"] == []  # % is a letter, not a wildcard
    assert client.get("/en/m/6211/places.json?q=a").status_code == 400


def test_basemap_only_when_configured(tozeur: Town, settings) -> None:
    frame = selectors.municipality_frame("6211")
    assert frame is not None
    settings.BASEMAP_TILE_URL = ""
    assert "L.tileLayer" not in builders.render_parts(builders.services_map(frame, None)).script

    settings.BASEMAP_TILE_URL = "https://tiles.example.tn/{z}/{x}/{y}.png"
    script = builders.render_parts(builders.services_map(frame, None)).script

    assert "L.tileLayer" in script and "https://tiles.example.tn/{z}/{x}/{y}.png" in script


@pytest.mark.parametrize(
    ("path", "queries"),
    # The national page: its layers and the list of municipalities by governorate; the municipality's page
    # its layers, then one query per participation space (gisportal.spaces) but reporting, which needs none.
    [("/m/6211/", 6 - 1), ("/m/", 8), ("/m/6211/collection-day.json?lat=33.92&lon=8.13", 4)],
)
def test_map_pages_make_a_fixed_number_of_queries(
    client: Client, tozeur: Town, beja: Town, django_assert_num_queries, path: str, queries: int
) -> None:
    # One query per layer, whatever the number of features (the savepoint and its release included).
    if path == "/m/6211/":
        queries += len(spaces.SPACES)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_municipality_outlines_orient_a_map(client: Client, tozeur: Town, beja: Town) -> None:
    response = client.get("/ar/m/municipalities.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in response["Cache-Control"]
    outlines = json.loads(response.content)
    assert sorted(feature["properties"]["code"] for feature in outlines["features"]) == ["2111", "6211"]
    assert {feature["geometry"]["type"] for feature in outlines["features"]} <= {"Polygon", "MultiPolygon"}


def test_the_national_page_lists_and_searches_municipalities(client: Client, tozeur: Town, beja: Town) -> None:
    listed = client.get("/ar/m/").content.decode()
    assert listed.count('href="/ar/m/6211/"') == 1 and listed.count('href="/ar/m/2111/"') == 1  # by governorate

    assert client.get("/ar/m/?q=6211")["Location"] == "/ar/m/6211/"  # one answer: straight to its map
    found = client.get("/m/?q=e").content.decode()
    assert '<ul class="gisportal-municipalities" id="finder-results">' in found
    missing = client.get("/m/?q=%25zz").content.decode()
    assert "Aucune commune ne s\u2019appelle « %zz »" in missing


def test_the_national_map_of_a_fresh_portal_before_any_import(client: Client, db) -> None:
    page = client.get("/m/")
    assert page.status_code == 200 and '"features": []' in page.content.decode()
