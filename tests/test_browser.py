"""A real headless Chromium (Debian's, driven by Playwright) against a live server.

What only a browser shows: the public pages' direction and language, the language switcher, and the
planners' OpenLayers map widget — rendered from the app's own static files, with no request leaving
the server (the portal must work offline), drawing a point that lands in the database.
"""

import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point, Polygon
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from layers.models import ServicePoint
from tests.browser import Traffic, log_in
from tests.conftest import Town

pytestmark = pytest.mark.browser

TUNISIA_BBOX = Polygon.from_bbox((7, 30, 12, 38))
SCREENSHOT = Path(tempfile.gettempdir()) / "admin_map.png"
HEADINGS = {
    "ar": "الخدمات البلدية على الخريطة",
    "fr": "Les services municipaux sur la carte",
    "en": "Municipal services on the map",
}
# Two municipalities (the `tozeur` and `beja` fixtures): Arabic has a dual form.
TWO_MUNICIPALITIES = {"ar": "2 بلديتان", "fr": "2 municipalités", "en": "2 municipalities"}
ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")


def wait_for_map(page: Page) -> None:
    """The widget's OpenLayers map (in the global `geodjango_location`) has drawn its first frame."""
    page.wait_for_function("() => window.geodjango_location && geodjango_location.map.isRendered()")


def service_point_change_path(point: ServicePoint) -> str:
    return f"/admin/layers/servicepoint/{point.pk}/change/"


# Public pages: right-to-left Arabic, left-to-right French (the default, unprefixed) and English.


@pytest.mark.parametrize(
    ("path", "language", "direction"), [("/ar/", "ar", "rtl"), ("/", "fr", "ltr"), ("/en/", "en", "ltr")]
)
def test_home_page_language_and_direction(
    page: Page,
    traffic: Traffic,
    live_server: LiveServer,
    tozeur: Town,
    beja: Town,
    path: str,
    language: str,
    direction: str,
) -> None:
    response = page.goto(live_server.url + path)

    assert response is not None and response.status == 200
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    expect(page.locator("h1")).to_have_text(HEADINGS[language])
    body_text = page.locator("main").inner_text()
    assert bool(ARABIC_LETTERS.search(body_text)) is (language == "ar")
    expect(page.locator(".counts li").first).to_have_text(TWO_MUNICIPALITIES[language])
    expect(page.locator(f".languages button[value={language}]")).to_have_attribute("aria-current", "true")
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_language_buttons_switch_language(page: Page, traffic: Traffic, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    html = page.locator("html")

    for language, path, direction in [("ar", "/ar/", "rtl"), ("en", "/en/", "ltr"), ("fr", "/", "ltr")]:
        with page.expect_navigation():
            page.click(f".languages button[value={language}]")
        assert page.url == live_server.url + path
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)
        expect(page.locator("h1")).to_have_text(HEADINGS[language])

    traffic.assert_offline()
    traffic.assert_no_console_errors()


# The planners' map widget in the admin.


def test_planner_map_renders_from_local_assets(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, service_point_change_path(tozeur.container))
    wait_for_map(page)

    map_div = page.locator("#servicepoint_form .dj_map")
    expect(map_div).to_be_visible()
    expect(map_div.locator("canvas").first).to_be_visible()
    assert page.evaluate("typeof window.ol") == "object"
    # The stored point is on the map, and the map is centred on it.
    assert page.evaluate("geodjango_location.featureCollection.getLength()") == 1
    lon, lat = page.evaluate("ol.proj.toLonLat(geodjango_location.map.getView().getCenter())")
    assert (lon, lat) == pytest.approx(tozeur.container.location.coords, abs=1e-4)
    assert f"{live_server.url}/static/vendor/ol/ol.js" in traffic.requests
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_planner_map_page_stays_offline(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, service_point_change_path(tozeur.container))
    wait_for_map(page)
    page.wait_for_load_state("networkidle")

    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_planner_map_draws_the_municipality_and_what_is_already_there(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, service_point_change_path(tozeur.container))
    wait_for_map(page)
    page.wait_for_load_state("networkidle")

    # The reference layers come from the portal's own vector tiles, under the edited point.
    drawn = page.evaluate(
        """() => Object.fromEntries(geodjango_location.map.getAllLayers()
            .filter(layer => layer.getClassName().startsWith("reference-"))
            .map(layer => [layer.getClassName(), layer.getSource().getFeaturesInExtent(
                geodjango_location.map.getView().calculateExtent()).map(f => f.get("code") || f.get("name") || "")]))"""
    )
    assert "6211" in drawn["reference-municipalities"]
    assert tozeur.district.name in drawn["reference-districts"]
    assert tozeur.container.name in drawn["reference-service-points"]
    assert any(f"{live_server.url}/tiles/municipalities/" in url for url in traffic.requests)
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_planner_map_fills_the_form_row(
    page: Page, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, service_point_change_path(tozeur.container))
    wait_for_map(page)

    width, height = page.evaluate("geodjango_location.map.getSize()")
    assert height == 480
    assert width >= 600  # of the 1280 px window, about 700 px are left of the form row beside its label


def test_planner_cannot_open_another_municipalitys_service_point(
    page: Page, live_server: LiveServer, tozeur: Town, beja: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, "/admin/")
    path = service_point_change_path(beja.container)

    direct = page.request.get(live_server.url + path, max_redirects=0)
    assert direct.status in {302, 403, 404}
    assert "/admin/login/" not in direct.headers.get("location", "")  # still logged in: refused for the scope
    assert beja.container.name not in direct.text()

    page.goto(live_server.url + path)
    assert page.url != live_server.url + path
    expect(page.locator("#servicepoint_form")).to_have_count(0)
    expect(page.locator(".dj_map")).to_have_count(0)
    assert beja.container.name not in page.content()


def test_planner_places_a_new_service_point_by_clicking_the_map(
    page: Page, live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, "/admin/layers/servicepoint/add/")
    expect(page.locator("h1")).to_contain_text(re.compile("point de service", re.IGNORECASE))  # admin in French
    wait_for_map(page)
    lon, lat = tozeur.container.location.coords
    target = (lon - 0.005, lat + 0.004)  # inside Tozeur, away from its container
    # The map opens on all of Tunisia (Tozeur is a few pixels wide there): zoom onto the town as the planner
    # would, then click where the target is drawn.
    x, y = page.evaluate(
        """([lon, lat]) => {
            const map = geodjango_location.map;
            map.getView().setCenter(ol.proj.fromLonLat([lon + 0.003, lat - 0.002]));
            map.getView().setZoom(14);
            map.renderSync();
            return map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));
        }""",
        list(target),
    )
    page.locator("#servicepoint_form .dj_map").click(position={"x": x, "y": y})

    expect(page.locator("textarea#id_location")).to_have_value(re.compile(r'"type":\s*"Point"'))
    page.select_option("#id_municipality", str(tozeur.municipality.pk))
    page.select_option("#id_kind", ServicePoint.Kind.RECYCLING_POINT.value)
    page.fill("#id_name", "Point de recyclage du marché")
    with page.expect_navigation():
        page.click("#servicepoint_form [name=_save]")

    assert page.url == live_server.url + "/admin/layers/servicepoint/"
    expect(page.locator(".messagelist .success")).to_have_count(1)
    created = ServicePoint.objects.get(name="Point de recyclage du marché")
    assert created.municipality == tozeur.municipality
    assert created.kind == ServicePoint.Kind.RECYCLING_POINT
    assert TUNISIA_BBOX.contains(created.location)
    assert tozeur.municipality.boundary.contains(created.location)
    # One pixel at zoom 14 is about 8 m on the ground; the click lands within a few pixels.
    assert created.location.distance(Point(*target, srid=4326)) < 0.0005
