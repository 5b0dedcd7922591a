"""HTML typed into every layer, in Chromium: each map page (and the exported file) opens every popup and tooltip
it has, and the payload shows as text; no element it carries exists and no dialog opens."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from maps.export import municipality_html
from tests.browser import Traffic
from tests.conftest import Town
from tests.maps.test_browser import LAT, LON, THE_MAP, click_map_at, open_map
from tests.maps.test_payloads import PAYLOAD, plant_payloads

pytestmark = pytest.mark.browser

# What the payloads would make of themselves if a popup parsed them: an image with a handler, a script.
INJECTED = "img, script, iframe, object, embed, svg, [onerror], [onload]"
# Every overlay shown, then every feature's popup and tooltip opened in turn: what each one showed, and any
# element of the payloads' kind inside it.
OPEN_EVERY_POPUP = f"""() => {{
    const INJECTED = "{INJECTED}";
    document.querySelectorAll(".leaflet-control-layers-overlays input").forEach(i => {{ if (!i.checked) i.click(); }});
    const map = {THE_MAP}, shown = [], foreign = [];
    function look(selector) {{
        const box = document.querySelector(selector);
        if (!box) return;
        shown.push(box.textContent);
        box.querySelectorAll(INJECTED).forEach(e => foreign.push(e.outerHTML));
    }}
    map.eachLayer(layer => {{
        if (!layer.feature) return;
        const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        layer.fire("click", {{latlng: at}}, true);
        look(".leaflet-popup-content");
        map.closePopup();
        layer.fire("mouseover", {{latlng: at}}, true);
        look(".leaflet-tooltip");
        layer.fire("mouseout", {{latlng: at}}, true);
    }});
    return {{shown, foreign}};
}}"""


def watch_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def assert_text_only(page: Page, popups: int, dialogs: list[str]) -> None:
    opened = page.evaluate(OPEN_EVERY_POPUP)
    assert len(opened["shown"]) >= popups
    assert sum(PAYLOAD in text for text in opened["shown"]) >= popups  # the payload, shown as text
    assert opened["foreign"] == []
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []


@pytest.mark.parametrize(
    ("path", "popups"),
    [
        ("/m/6211/", 4),  # district, route, service popup and tooltip
        ("/ar/m/6211/", 4),
        ("/m/6211/services/", 2),
        ("/m/6211/collection/", 1),
        ("/m/6211/districts/", 1),
        ("/m/", 3),  # municipality, district, route
    ],
)
def test_no_payload_runs_in_any_popup_or_tooltip(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, path: str, popups: int
) -> None:
    plant_payloads(tozeur)
    dialogs = watch_dialogs(page)
    open_map(page, live_server.url + path, complaints=path in {"/m/6211/", "/ar/m/6211/", "/m/"})

    if "/6211/" in path and path != "/m/6211/districts/":
        click_map_at(page, LON + 0.004, LAT + 0.002)  # the lookup panel names the nearest service or route
        expect(page.locator(".gisportal-answer p").first).to_contain_text(PAYLOAD)
        assert page.locator(".gisportal-answer img, .gisportal-answer script").count() == 0
    assert_text_only(page, popups, dialogs)  # last: it shows every overlay, districts over the streets
    if "/6211/" in path:
        expect(page.locator("h1").first).to_contain_text(PAYLOAD)  # the title names the municipality, as text
    assert dialogs == []
    traffic.assert_no_console_errors()


def test_no_payload_runs_in_the_complaints_map(page: Page, live_server: LiveServer, tozeur: Town) -> None:
    plant_payloads(tozeur)
    dialogs = watch_dialogs(page)
    open_map(page, f"{live_server.url}/m/6211/complaints/")

    page.locator("path.leaflet-interactive[fill='#c0392b']").click()

    expect(page.locator(".leaflet-popup-content")).to_contain_text("Déchets non collectés")
    assert PAYLOAD not in page.content()  # a description is never mapped
    assert dialogs == []


def test_no_payload_runs_in_the_exported_map(browser: Browser, tozeur: Town, tmp_path: Path) -> None:
    plant_payloads(tozeur)
    exported = tmp_path / "tozeur.html"
    exported.write_text(municipality_html("6211", language="fr"), encoding="utf-8")
    context = browser.new_context(offline=True)
    tab = context.new_page()
    dialogs = watch_dialogs(tab)
    try:
        open_map(tab, exported.as_uri())
        click_map_at(tab, LON + 0.006, LAT - 0.003)  # answered from the drawn layers
        expect(tab.locator(".gisportal-collection")).to_contain_text(PAYLOAD)
        expect(tab.locator(".gisportal-service")).to_contain_text(PAYLOAD)
        assert tab.locator(".gisportal-answer img, .gisportal-answer script").count() == 0
        assert_text_only(tab, 4, dialogs)
        assert dialogs == []
    finally:
        context.close()
