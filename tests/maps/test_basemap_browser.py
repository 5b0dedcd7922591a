"""The portal's basemap under the citizen maps, in Chromium: streets and names in the page's language, from the
portal alone."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from etl.models import RoadSegment
from gisportal.complaints.models import Place
from tests.browser import Traffic
from tests.conftest import Town
from tests.maps.test_browser import THE_MAP, open_map

pytestmark = pytest.mark.browser
NAMES = ".gisportal-basemap-labels text"


def test_the_map_has_names_and_streets_in_the_page_language(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, streets: list[RoadSegment], places: list[Place]
) -> None:
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()

    open_map(page, f"{live_server.url}/ar/m/6211/")

    expect(page.locator(NAMES, has_text="وسط توزر")).to_have_count(1)
    expect(page.locator(NAMES, has_text="Tozeur centre")).to_have_count(0)
    page.evaluate(f"{THE_MAP}.setZoom(16)")
    expect(page.locator(f"{NAMES} textPath", has_text="Avenue Habib Bourguiba").first).to_be_attached()
    assert any("/basemap/16/" in url for url in traffic.requests)
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_french_pages_write_the_french_names(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, places: list[Place]
) -> None:
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()

    open_map(page, f"{live_server.url}/m/6211/services/", complaints=False)

    expect(page.locator(NAMES, has_text="Tozeur centre")).to_have_count(1)
    page.evaluate(f"{THE_MAP}.setZoom(10)")  # the town's name, on its own: the district's is written from zoom 13
    expect(page.locator(f"{NAMES}[data-kind=municipality]")).to_have_text("Tozeur")
    expect(page.locator(NAMES, has_text="Tozeur centre")).to_have_count(0)
    traffic.assert_no_console_errors()
