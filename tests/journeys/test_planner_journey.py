"""Tozeur's planner on a French desktop: she signs in, opens the citizens' reports, answers one, opens a layer's map
and the import page, by clicks from where she signed in. On every page: no broken image or failed request, nothing
left in English, and a way back (the portal's home or the staff index)."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from layers.models import Complaint
from tests.browser import PASSWORD, Traffic
from tests.conftest import Town
from tests.journeys.crawler import CHECKED_ATTRIBUTES, source_texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAYS_BACK = ("/", "/admin/")  # the portal's home, the staff index
# The maps' own controls, which Leaflet and OpenLayers write in English, and their tooltips in French.
LEAFLET_LINK = ".leaflet-control-attribution a[href='https://leafletjs.com']"
LEAFLET_CONTROLS = {
    "a.leaflet-control-zoom-in": "Zoom avant",
    LEAFLET_LINK: "Une bibliothèque JavaScript de cartes interactives",  # "A JavaScript library for interactive maps"
}
OPENLAYERS_CONTROLS = {
    ".ol-zoom-in": "Zoom avant",
    ".ol-rotate-reset": "Réinitialiser l'orientation",  # "Reset rotation"
    ".ol-attribution button": "Sources de la carte",  # "Attributions"
}
SEEN = """(attributes) => {
  const shown = e => e.offsetParent !== null || getComputedStyle(e).position === 'fixed';
  const own = e => !e.closest('[dir=auto], [lang]:not(html), [translate], script, style, code, pre, bdi');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && shown(parent) && own(parent)) texts.push(walker.currentNode.textContent);
  }
  for (const e of document.body.querySelectorAll(attributes.map(name => `[${name}]`).join(','))) {
    if (shown(e) && own(e)) texts.push(...attributes.map(name => e.getAttribute(name)).filter(Boolean));
  }
  for (const e of document.querySelectorAll('input[type=submit][value], input[type=button][value]')) {
    if (shown(e)) texts.push(e.value);
  }
  return {
    texts: texts.map(text => text.split(/\\s+/).join(' ').trim()).filter(Boolean),
    broken: [...document.images].filter(image => image.complete && image.naturalWidth === 0).map(image => image.src),
    links: [...document.querySelectorAll('a[href]')].filter(shown).map(a => new URL(a.href).pathname),
  };
}"""


class Journey:
    """Her tab, whose every page is checked as it arrives."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.english = source_texts("fr")
        self.failed: list[str] = []
        page.on("response", self._answered)

    def _answered(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("networkidle")
        path = self.page.url.split("//", 1)[1].split("/", 1)[1]
        seen = self.page.evaluate(SEEN, list(CHECKED_ATTRIBUTES))
        assert self.page.locator("html").get_attribute("lang") == "fr", path
        assert self.failed == [], path
        assert seen["broken"] == [], path
        assert sorted({text for text in seen["texts"] if text in self.english}) == [], path
        assert set(seen["links"]) & set(WAYS_BACK), path

    def assert_controls(self, controls: dict[str, str]) -> None:
        for control, title in controls.items():
            expect(self.page.locator(control)).to_have_count(1)  # the English one made again, not added to
            expect(self.page.locator(control)).to_have_attribute("title", title)


def test_the_planner_answers_a_report_and_finds_her_maps_and_imports(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, beja: Town, planner_tozeur: User
) -> None:
    journey = Journey(page)
    page.goto(f"{live_server.url}/admin/")
    journey.check()  # the sign-in page
    page.fill("#id_username", planner_tozeur.username)
    page.fill("#id_password", PASSWORD)
    journey.click("#login-form [type=submit]")
    assert page.url == f"{live_server.url}/admin/"

    journey.click("#staff-pages a[href='/staff/complaints/']")
    journey.assert_controls(LEAFLET_CONTROLS)
    expect(page.locator(LEAFLET_LINK)).to_have_text("Leaflet")  # the library's name and its link stay as they are
    code = tozeur.complaint.tracking_code
    journey.click(f"a[href='/staff/complaints/{code}/']")
    page.select_option("#id_status", Complaint.Status.IN_PROGRESS.value)
    page.fill("#id_note", "Équipe envoyée ce matin")
    page.check("#id_public")
    journey.click("form.triage [type=submit]")
    expect(page.locator(".messages .success")).to_have_text("Enregistré.")
    tozeur.complaint.refresh_from_db()
    assert tozeur.complaint.status == Complaint.Status.IN_PROGRESS

    journey.click(".bar a.staff")  # back to the staff index
    journey.click("#content-main a[href='/admin/layers/servicepoint/']")
    journey.click(f"a[href='/admin/layers/servicepoint/{tozeur.container.pk}/change/']")
    page.wait_for_function("() => window.geodjango_location && geodjango_location.map.isRendered()")
    journey.assert_controls(OPENLAYERS_CONTROLS)

    journey.click(".breadcrumbs a[href='/admin/']")
    journey.click("#staff-pages a[href='/imports/']")
    expect(page.locator("h1")).to_have_text("Importer une couche")
    journey.click(".bar a.staff")
    traffic.assert_offline()
    traffic.assert_no_console_errors()
