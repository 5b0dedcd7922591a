"""What a planner (or an imported file) types is text on every map: HTML in a name or a description is escaped
where the page embeds it and set with textContent where a popup or tooltip shows it (maps.js gisportalDetails)."""

import pytest
from django.test import Client

from maps.export import municipality_html
from tests.conftest import TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE
# An element with a handler, and a break out of an attribute into a script: each would run in a visitor's browser.
PAYLOAD = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
RAW = ("<img src=x", "<script>alert")
# How the page's scripts carry it: folium's JSON with < > & ' escaped.
EMBEDDED = '\\u003cimg src=x onerror=alert(1)\\u003e\\"\\u003e\\u003cscript\\u003ealert(2)\\u003c/script\\u003e'
FOLIUM_POPUP = "div.innerHTML=table"  # folium's GeoJsonPopup and GeoJsonTooltip, which parse values as HTML


def plant_payloads(town: Town) -> None:
    """The payload in every text field of every layer a map shows, in both scripts."""
    municipality = town.municipality
    municipality.name_fr = municipality.name_ar = PAYLOAD
    municipality.save()
    governorate = municipality.governorate
    governorate.name_fr = governorate.name_ar = PAYLOAD
    governorate.save()
    town.district.name = town.district.name_ar = PAYLOAD
    town.district.save()
    town.container.name = town.container.opening_hours = PAYLOAD
    town.container.save()
    town.route.name = town.route.vehicle = PAYLOAD
    town.route.save()
    town.complaint.description = town.complaint.reporter_name = PAYLOAD
    town.complaint.save()


@pytest.fixture
def planted(tozeur: Town) -> Town:
    plant_payloads(tozeur)
    return tozeur


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


# Each map and the popups it binds: districts, routes, services (a popup and a tooltip), municipalities.
PAGES = {
    "/m/6211/": 4,
    "/ar/m/6211/": 4,
    "/m/6211/services/": 2,
    "/m/6211/collection/": 1,
    "/m/6211/complaints/": 0,
    "/m/6211/districts/": 1,
    "/m/": 3,
    "/ar/m/": 3,
}


@pytest.mark.parametrize("path", PAGES)
def test_payloads_are_escaped_in_every_map_page(client: Client, planted: Town, path: str) -> None:
    html = client.get(path).content.decode()

    assert [raw for raw in RAW if raw in html] == []
    assert FOLIUM_POPUP not in html
    assert html.count("L.gisportalDetails(") == PAGES[path]
    if PAGES[path]:
        assert EMBEDDED in html  # the text is there, as data: the popup sets it as text


def test_payloads_are_escaped_in_the_exported_map(planted: Town) -> None:
    html = municipality_html("6211", language="fr")

    assert [raw for raw in RAW if raw in html] == []
    assert FOLIUM_POPUP not in html
    assert html.count("L.gisportalDetails(") == 4
    assert EMBEDDED in html


@pytest.mark.parametrize(
    "path",
    [
        f"/m/6211/nearest-service.json?lat={LAT}&lon={LON}",
        f"/m/6211/collection-day.json?lat={LAT}&lon={LON}",
        "/m/6211/places.json?q=img",
        f"/m/complaints.json?state=open&zoom=14&bbox={LON - 0.05},{LAT - 0.05},{LON + 0.05},{LAT + 0.05}",
    ],
)
def test_the_map_endpoints_answer_json_a_browser_never_runs(client: Client, planted: Town, path: str) -> None:
    """The lookup panel writes these answers with maps.js's esc(); the browser never sniffs them as a page."""
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in {"application/json", "application/geo+json"}
    assert response["X-Content-Type-Options"] == "nosniff"
    if "complaints" in path:
        assert "img" not in response.content.decode()  # a description is never mapped
