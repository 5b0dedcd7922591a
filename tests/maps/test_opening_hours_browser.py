"""A service's popup says its hours as people read them, in the page's language, and whether it is open now."""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from layers.models import ServicePoint
from tests.conftest import TOZEUR_CENTRE, Town
from tests.maps.test_browser import open_map

pytestmark = pytest.mark.browser
TUNIS = ZoneInfo("Africa/Tunis")
PHARMACY = ".leaflet-marker-pane .awesome-marker-icon-lightred"


@pytest.fixture
def pharmacy(tozeur: Town) -> ServicePoint:
    return ServicePoint.objects.create(
        municipality=tozeur.municipality,
        kind=ServicePoint.Kind.PHARMACY,
        name="Pharmacie de l'Oasis",
        opening_hours="Mo-Sa 08:00-20:00",
        location=Point(TOZEUR_CENTRE[0] + 0.004, TOZEUR_CENTRE[1] + 0.003, srid=4326),
    )


def tab_at(browser: Browser, moment: datetime) -> Iterator[Page]:
    """A tab in Tunisia whose clock shows `moment`."""
    context = browser.new_context(locale="fr-TN", timezone_id="Africa/Tunis", viewport={"width": 1000, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.clock.set_fixed_time(moment)
    yield tab
    context.close()


@pytest.fixture
def monday_morning(browser: Browser) -> Iterator[Page]:
    yield from tab_at(browser, datetime(2026, 12, 7, 10, 30, tzinfo=TUNIS))


@pytest.fixture
def sunday(browser: Browser) -> Iterator[Page]:
    yield from tab_at(browser, datetime(2026, 12, 6, 10, 30, tzinfo=TUNIS))


def test_hours_in_french_and_open_now(monday_morning: Page, live_server: LiveServer, pharmacy: ServicePoint) -> None:
    open_map(monday_morning, f"{live_server.url}/m/6211/services/", complaints=False)
    monday_morning.locator(PHARMACY).click()
    popup = monday_morning.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Du lundi au samedi : 08:00\u201320:00 ; dimanche : fermé")
    expect(popup).not_to_contain_text("Mo-Sa")
    expect(popup.locator(".gisportal-open")).to_have_text("Ouvert en ce moment")


def test_hours_in_arabic_and_closed_on_sunday(sunday: Page, live_server: LiveServer, pharmacy: ServicePoint) -> None:
    open_map(sunday, f"{live_server.url}/ar/m/6211/services/", complaints=False)
    sunday.locator(PHARMACY).click()
    popup = sunday.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("من الاثنين إلى السبت: 08:00\u201320:00؛ الأحد: مغلق")
    expect(popup.locator(".gisportal-closed")).to_have_text("مغلق الآن")
    # The name, typed in French, keeps its own direction in the right-to-left popup.
    name = popup.locator(".gisportal-title", has_text="Pharmacie de l'Oasis")
    assert name.evaluate("cell => getComputedStyle(cell).direction") == "ltr"


def test_hours_beyond_the_common_forms_are_shown_as_written(
    monday_morning: Page, live_server: LiveServer, pharmacy: ServicePoint
) -> None:
    pharmacy.opening_hours = "Mo-Sa 08:00-20:00; PH off"
    pharmacy.save()
    open_map(monday_morning, f"{live_server.url}/m/6211/services/", complaints=False)
    monday_morning.locator(PHARMACY).click()
    popup = monday_morning.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Mo-Sa 08:00-20:00; PH off")
    expect(popup.locator(".gisportal-open, .gisportal-closed")).to_have_count(0)  # nothing said it cannot know
