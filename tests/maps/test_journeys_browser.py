"""Maps a person can use, in Chromium: she finds her municipality from the national map or its list, asks for
the service she needs, and is told how far the collection route passes."""

import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from etl.models import RoadSegment
from layers.models import District, ServicePoint
from tests.browser import Traffic
from tests.conftest import Town, square
from tests.maps.test_browser import LAT, LON, THE_MAP, click_map_at, open_map, overlay

pytestmark = pytest.mark.browser


def open_popup(page: Page, field: str, value: str) -> None:
    """A click on the feature whose `field` is `value`, as a finger would give it."""
    page.evaluate(
        f"""([field, value]) => {THE_MAP}.eachLayer(l => {{
            if (l.feature && l.feature.properties[field] === value) {{
                l.fire("click", {{latlng: l.getLatLng ? l.getLatLng() : l.getBounds().getCenter()}}, true);
            }}
        }})""",
        [field, value],
    )


@pytest.fixture
def pharmacy(tozeur: Town) -> ServicePoint:
    """An unnamed pharmacy 1.1 km east of the container."""
    return ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="pharmacy", name="", location=Point(LON + 0.012, LAT, srid=4326)
    )


def test_she_asks_for_a_pharmacy_and_is_answered_with_one(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, pharmacy: ServicePoint
) -> None:
    open_map(page, f"{live_server.url}/m/6211/services/", complaints=False)
    answer = page.locator(".gisportal-service")

    click_map_at(page, LON + 0.001, LAT - 0.003)
    expect(answer).to_contain_text("Conteneur Tozeur (Conteneur à déchets)")  # both shown: the nearest

    page.select_option(".gisportal-kind select", "pharmacy")
    expect(answer).to_contain_text("Le plus proche : Pharmacie, ")  # titled by its kind: it has no name
    expect(answer).not_to_contain_text("(Pharmacie)")
    expect(page.locator("path[stroke-dasharray='4 4']")).to_have_count(1)  # the way to it

    page.select_option(".gisportal-kind select", "")
    overlay(page, "Conteneur à déchets").uncheck()  # what the map shows is what she looks for
    click_map_at(page, LON + 0.001, LAT - 0.003)
    expect(answer).to_contain_text("Pharmacie")
    overlay(page, "Pharmacie").uncheck()
    click_map_at(page, LON + 0.001, LAT - 0.002)
    expect(answer).to_contain_text("Aucun service n\u2019est affiché sur la carte")
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_an_unnamed_service_has_a_title_and_no_empty_rows(
    page: Page, live_server: LiveServer, tozeur: Town, pharmacy: ServicePoint
) -> None:
    open_map(page, f"{live_server.url}/ar/m/6211/services/", complaints=False)

    open_popup(page, "kind", "pharmacy")

    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".gisportal-title")).to_have_text("صيدلية")  # no street, no district there: its kind
    expect(popup.locator("tr")).to_have_count(0)  # no opening hours known: no empty row


def test_a_far_route_is_said_to_be_far(
    page: Page, live_server: LiveServer, tozeur: Town, streets: list[RoadSegment]
) -> None:
    open_map(page, f"{live_server.url}/en/m/6211/collection/", complaints=False)
    expect(page.locator(".gisportal-search input")).to_have_attribute(
        "placeholder", "Search a street, district or place"
    )

    page.fill(".gisportal-search input", "karam")  # نهج الكرم, typed in Latin letters: not found …
    page.press(".gisportal-search input", "Enter")
    expect(page.locator(".gisportal-answer")).to_have_text("No place of that name here.")
    page.fill(".gisportal-search input", "الكرم")  # … and in Arabic: the street 610 m north of the route
    page.press(".gisportal-search input", "Enter")

    expect(page.locator(".gisportal-place")).to_have_text("نهج الكرم")
    expect(page.locator(".gisportal-collection")).to_contain_text("Tournée Tozeur passes 610 m from here.")
    expect(page.locator(".gisportal-far")).to_contain_text("this route may not serve your street")

    click_map_at(page, LON + 0.002, LAT + 0.001)  # 110 m from the route: no warning
    expect(page.locator(".gisportal-collection")).to_contain_text(re.compile(r"passes 1[01]\d m from here"))
    expect(page.locator(".gisportal-far")).to_have_count(0)


def test_without_streets_the_search_promises_none(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/en/m/6211/collection/", complaints=False)

    expect(page.locator(".gisportal-search input")).to_have_attribute("placeholder", "Search a district or place")


def test_the_national_map_leads_to_a_municipality(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, beja: Town
) -> None:
    open_map(page, f"{live_server.url}/ar/m/")
    open_popup(page, "code", "2111")
    link = page.locator(".leaflet-popup-content a.gisportal-link")
    expect(link).to_have_text("افتح خريطة هذه البلدية")
    # The popup pans the map, which fetches what the new view shows: she taps once it has settled (a tap during
    # that redraw missed the link once, on a busy machine).
    page.wait_for_load_state("networkidle")

    link.click()

    expect(page).to_have_url(f"{live_server.url}/ar/m/2111/")
    traffic.assert_no_console_errors()


def test_without_javascript_she_finds_her_municipality(
    browser: Browser, live_server: LiveServer, tozeur: Town, beja: Town
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="fr-TN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/m/")
        page.locator(".gisportal-all summary").click()
        expect(page.locator(".gisportal-all a")).to_have_text(["Béja", "Tozeur"])  # by governorate
        page.fill("#finder-q", "e")
        with page.expect_navigation():
            page.click(".gisportal-finder button")
        expect(page.locator("#finder-results a")).to_have_text(["Béja", "Tozeur"])
        page.fill("#finder-q", "tozeur")
        with page.expect_navigation():
            page.click(".gisportal-finder button")
        assert page.url == f"{live_server.url}/m/6211/"  # one answer: her municipality's map
    finally:
        context.close()


def test_marginalised_districts_are_explained_in_words(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    District.objects.create(
        municipality=tozeur.municipality,
        name="Ras Edhrâa",
        population=2_000,
        poverty_rate=45,
        unemployment_rate=30,
        water_access_rate=60,
        sanitation_access_rate=20,
        waste_collection_rate=40,
        boundary=square(LON + 0.015, LAT + 0.015, half=0.004),
    )

    open_map(page, f"{live_server.url}/m/6211/districts/", complaints=False)

    legend = page.locator(".gisportal-legend")
    expect(legend).to_contain_text("0\u201320 : un peu marginalisé")
    expect(legend).to_contain_text("La note est la moyenne de cinq manques")
    standings = page.locator(".gisportal-standings li")
    expect(standings).to_have_count(2)
    # The most marginalised first.
    expect(standings.nth(0)).to_contain_text("Ras Edhrâa : très marginalisé (51 sur 100).")
    expect(standings.nth(0)).to_contain_text("Vivent dans la pauvreté : 45 %")
    expect(standings.nth(1)).to_contain_text("Tozeur centre : un peu marginalisé (19 sur 100).")
    open_popup(page, "name", "Ras Edhrâa")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".gisportal-title")).to_have_text("Ras Edhrâa")
    expect(popup).to_contain_text("Dans la commune1 sur 2, le plus marginalisé d\u2019abord")
    expect(popup).to_contain_text("Logements sans eau potable40 %")
