"""The citizen maps in Debian's Chromium (Playwright) against a live server: no request leaves the server, no
console error, layers toggle, popups open, Arabic is right-to-left, the collection-day lookup answers, and the
exported file works from disk with the network cut."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from maps.export import municipality_html
from tests.browser import Traffic
from tests.conftest import TOZEUR_CENTRE, Town
from tests.maps.test_selectors import add_complaints

pytestmark = pytest.mark.browser

LON, LAT = TOZEUR_CENTRE
# The icons (awesome-markers gives their shadows the same class, in another pane).
MARKERS = ".leaflet-marker-pane .awesome-marker"
THE_MAP = "window[document.querySelector('.folium-map').id]"


def open_map(page: Page, url: str, *, complaints: bool = True) -> None:
    page.goto(url)
    page.wait_for_function(f"() => {THE_MAP} && {THE_MAP}._loaded")
    if complaints:
        # The complaints layer has drawn what the server sent for the opening view.
        page.wait_for_function("() => window.gisportalComplaintsDrawn >= 1")


def click_map_at(page: Page, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        f"([lat, lon]) => {{ const p = {THE_MAP}.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}", [lat, lon]
    )
    page.locator(".folium-map").click(position={"x": x, "y": y})


def overlay(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(".leaflet-control-layers-overlays label", has_text=name).locator("input")


def test_municipality_map_loads_from_the_server_alone(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town
) -> None:
    open_map(page, f"{live_server.url}/m/6211/")
    page.wait_for_load_state("networkidle")

    expect(page.locator(MARKERS)).to_have_count(1)  # the container, with its icon
    expect(page.locator(".leaflet-control-layers-overlays label")).to_have_count(
        6
    )  # districts, days, type, open, resolved, heat
    assert f"{live_server.url}/static/vendor/leaflet/leaflet.js" in traffic.requests
    assert any("/m/complaints.json?" in url for url in traffic.requests)
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_layers_toggle(page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/m/6211/")
    complaints = page.locator("path.leaflet-interactive[fill='#c0392b']")
    expect(complaints).to_have_count(1)

    overlay(page, "Conteneur à déchets").uncheck()
    expect(page.locator(MARKERS)).to_have_count(0)
    overlay(page, "Réclamations en cours").uncheck()
    expect(complaints).to_have_count(0)
    overlay(page, "Conteneur à déchets").check()
    expect(page.locator(MARKERS)).to_have_count(1)
    overlay(page, "Quartiers marginalisés").check()
    expect(page.locator("path.leaflet-interactive[fill='#ffffb2']")).to_have_count(1)  # score 19: lightest class
    traffic.assert_no_console_errors()


def test_dense_complaints_come_as_cells_that_zoom_in_and_a_heat_view(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town
) -> None:
    add_complaints(tozeur, 2500)
    open_map(page, f"{live_server.url}/m/6211/complaints/")
    cells = page.locator(".leaflet-marker-pane .gisportal-cell")
    expect(cells.first).to_be_visible()
    total = sum(int(text) for text in cells.all_inner_texts())
    assert total == 2501  # every open complaint counted once, with the fixture's own
    zoom = page.evaluate(f"{THE_MAP}.getZoom()")

    cells.first.click()

    page.wait_for_function(f"() => {THE_MAP}.getZoom() > {zoom}")
    overlay(page, "Réclamations : carte de chaleur").check()
    expect(page.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_a_service_popup_opens(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/m/6211/services/", complaints=False)

    page.locator(MARKERS).click()

    expect(page.locator(".leaflet-popup-content")).to_contain_text("Conteneur Tozeur")


def test_arabic_map_page_is_right_to_left(page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/ar/m/6211/")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator(MARKERS).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".gisportal-title")).to_have_text("Conteneur Tozeur")
    assert popup.evaluate("node => getComputedStyle(node).direction") == "rtl"
    expect(page.locator(".leaflet-control-layers-overlays")).to_contain_text("حاوية فضلات")
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_collection_day_lookup_answers_for_a_point_in_tozeur(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town
) -> None:
    open_map(page, f"{live_server.url}/m/6211/collection/", complaints=False)

    click_map_at(page, LON + 0.002, LAT + 0.003)  # a street about 330 m north of the route

    answer = page.locator(".gisportal-collection")
    expect(answer).to_contain_text("lundi, mercredi, vendredi")
    expect(answer).to_contain_text("06:00\u201310:00")
    expect(answer).to_contain_text("Tournée Tozeur")
    traffic.assert_no_console_errors()


def test_searching_a_place_tells_when_it_is_collected(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/en/m/6211/collection/", complaints=False)

    page.fill(".gisportal-search input", "centre")
    page.press(".gisportal-search input", "Enter")

    expect(page.locator(".gisportal-place")).to_have_text("Tozeur centre")
    expect(page.locator(".gisportal-collection")).to_contain_text("Monday, Wednesday, Friday")


def test_tap_finds_the_nearest_service(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    open_map(page, f"{live_server.url}/en/m/6211/services/", complaints=False)

    click_map_at(page, LON + 0.003, LAT - 0.002)

    expect(page.locator(".gisportal-service")).to_contain_text("Conteneur Tozeur (Waste container)")


def test_national_map_loads_from_the_server_alone(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, beja: Town
) -> None:
    open_map(page, f"{live_server.url}/en/m/")
    page.wait_for_load_state("networkidle")

    expect(page.locator(".leaflet-control-layers-overlays")).to_contain_text("Municipalities")
    expect(page.locator(".leaflet-marker-pane .awesome-marker")).to_have_count(2)  # a container in each town
    traffic.assert_offline()
    traffic.assert_no_console_errors()


def test_exported_map_opens_offline(browser: Browser, tozeur: Town, tmp_path: Path) -> None:
    exported = tmp_path / "tozeur.html"
    exported.write_text(municipality_html("6211", language="ar"), encoding="utf-8")
    context = browser.new_context(offline=True)
    blocked: list[str] = []
    errors: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_map(tab, exported.as_uri())
        expect(tab.locator("html")).to_have_attribute("dir", "rtl")
        expect(tab.locator(MARKERS)).to_have_count(1)
        expect(tab.locator("path.leaflet-interactive[fill='#c0392b']")).to_have_count(1)  # the snapshot
        # The icons' own font, inlined, loads: the container's glyph is drawn, not a box.
        assert tab.evaluate("document.fonts.load('900 16px \"gisportal icons\"', '\\uf1f8').then(f => f.length)") == 1
        tab.locator(MARKERS).click()
        expect(tab.locator(".leaflet-popup-content")).to_contain_text("Conteneur Tozeur")
        # A tap about 330 m south of the route (away from the container's icon) is answered from the map itself.
        click_map_at(tab, LON + 0.006, LAT - 0.003)
        expect(tab.locator(".gisportal-collection")).to_contain_text("الاثنين، الأربعاء، الجمعة, 06:00\u201310:00")
        expect(tab.locator(".gisportal-collection")).to_contain_text("تمرّ Tournée Tozeur على بعد 333 م من هنا.")
        expect(tab.locator(".gisportal-far")).to_be_visible()  # 333 m: it may not be her street's route
        expect(tab.locator(".gisportal-service")).to_contain_text("Conteneur Tozeur")
    finally:
        context.close()
    assert blocked == []
    assert errors == []
