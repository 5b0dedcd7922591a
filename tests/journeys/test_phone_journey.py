"""A resident of Tozeur on an Arabic phone, from the home page to her municipality's services, collection day,
petitions, council and budget, by taps only: on every page nothing broken, nothing in English, nothing too small to
tap, nothing wider than the screen, and no page heavier than it was measured to be.

The pages are not throttled (a throttled walk took two minutes): each page's bytes and requests are measured and what
they cost over slow 3G is worked out from them (printed with `-s`)."""

import io
import math

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import PHONE, phone_tab
from tests.conftest import Town
from tests.journeys.crawler import CHECKED_ATTRIBUTES, source_texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chrome DevTools' "Slow 3G": 400 ms round trips, 400 kbit/s down; six connections to one host.
SLOW_3G_ROUND_TRIP = 0.4
SLOW_3G_BYTES_PER_SECOND = 400_000 / 8
CONNECTIONS = 6
# Bytes over the wire for one page and what it loads: pages gzipped, static files not (the test server sends them
# as they are; production's WhiteNoise compresses them), each static file counted the first time only (her cache
# keeps them; Playwright's routing turns Chromium's cache off, so the test keeps the count).
# The first map page, measured 346 KB (about 10 s on slow 3G): Leaflet (147 KB), VectorGrid (49 KB), the markers'
# sprite (42 KB), MarkerCluster (34 KB), the portal's map scripts (25 KB); 574 KB before the icons were cut down.
FIRST_MAP_BUDGET = 360_000
PAGE_BUDGET = 20_000  # measured 2.9 to 17.7 KB; the petitions page (its map's script and GeoJSON) the heaviest
SEEN = """(attributes) => {
  const shown = e => e.offsetParent !== null || getComputedStyle(e).position === 'fixed';
  const own = e => !e.closest('[dir=auto], [lang]:not(html), script, style, code');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (parent && shown(parent) && own(parent)) texts.push(node.textContent.split(/\\s+/).join(' ').trim());
  }
  for (const e of document.body.querySelectorAll(attributes.map(name => `[${name}]`).join(','))) {
    if (shown(e) && own(e)) texts.push(...attributes.map(name => e.getAttribute(name)).filter(Boolean));
  }
  const targets = [...document.querySelectorAll(
      'nav a, button, select, input:not([type=hidden]):not([name=website]), label:has(> input[type=radio])')]
    .filter(shown).map(e => [e, e.getBoundingClientRect()])
    .filter(([e, box]) => box.height < 44 || box.width < 44)
    .map(([e, box]) => `${e.tagName} ${e.textContent.trim() || e.name} ${box.width}x${box.height}`);
  return {
    texts, targets,
    loaded: performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
      .map(entry => [new URL(entry.name).pathname, entry.transferSize]),
    broken: [...document.images].filter(image => image.complete && image.naturalWidth === 0).map(image => image.src),
    wider: document.documentElement.scrollWidth - innerWidth,
  };
}"""


@pytest.fixture
def tozeur_with_participation(tozeur: Town, beja: Town) -> Town:
    tozeur.municipality.name_ar = "توزر"
    tozeur.municipality.save()
    for command in ("load_demo_petitions", "load_demo_council", "load_demo_finances"):
        call_command(command, "--if-empty", stdout=io.StringIO())
    return tozeur


# Leaflet's own controls, which it writes in English, and their tooltips in Arabic (templates/leaflet_language.html).
LEAFLET_LINK = ".leaflet-control-attribution a[href='https://leafletjs.com']"
ARABIC_CONTROLS = {
    "a.leaflet-control-zoom-in": "تكبير",
    "a.leaflet-control-zoom-out": "تصغير",
    "a.leaflet-control-layers-toggle": "الطبقات",
    LEAFLET_LINK: "مكتبة جافاسكريبت للخرائط التفاعلية",  # "A JavaScript library for interactive maps"
}


def assert_map_controls_in_arabic(page: Page) -> None:
    for control, title in ARABIC_CONTROLS.items():
        expect(page.locator(control)).to_have_attribute("title", title)
    expect(page.locator(LEAFLET_LINK)).to_have_text("Leaflet")  # the library's name and its link stay as they are


class Journey:
    """One phone tab whose every page is checked as it arrives, and weighed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.english = source_texts("ar")
        self.failed: list[str] = []
        self.cached: set[str] = set()  # the static files she already has
        self.weights: list[tuple[str, int, int]] = []  # path, bytes, requests
        page.on("response", self._answered)
        page.on("console", lambda message: self.failed.extend([message.text] if message.type == "error" else []))
        page.on("pageerror", lambda error: self.failed.append(str(error)))

    def _answered(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def tap(self, selector: str, budget: int = PAGE_BUDGET) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.tap()
        self.check(budget)

    def check(self, budget: int = PAGE_BUDGET) -> None:
        self.page.wait_for_load_state("networkidle")
        path = self.page.url.split("//", 1)[1].split("/", 1)[1]
        seen = self.page.evaluate(SEEN, list(CHECKED_ATTRIBUTES))
        assert self.page.locator("html").get_attribute("dir") == "rtl", path
        assert self.failed == [], path
        assert seen["broken"] == [], path
        assert seen["wider"] <= 0, path
        assert seen["targets"] == [], path
        assert [text for text in seen["texts"] if text in self.english] == [], path
        assert self.page.locator("a.brand").count() == 1, path  # a way home from everywhere
        fetched = [(url, size) for url, size in seen["loaded"] if url not in self.cached]
        self.cached.update(url for url, _ in fetched if url.startswith("/static/"))
        weight = sum(size for _, size in fetched)
        self.weights.append((path, weight, len(fetched)))
        assert weight <= budget, (path, weight)

    def on_slow_3g(self) -> list[str]:
        """Each page's bytes and what they take over slow 3G: its document, then its files six at a time."""
        lines = []
        for path, weight, requests in self.weights:
            round_trips = 1 + math.ceil((requests - 1) / CONNECTIONS)
            seconds = round_trips * SLOW_3G_ROUND_TRIP + weight / SLOW_3G_BYTES_PER_SECOND
            lines.append(f"{path}: {weight / 1000:.1f} KB, {requests} requests, about {seconds:.1f} s on slow 3G")
        return lines


def test_a_resident_finds_her_municipality_and_what_it_offers(
    browser: Browser, live_server: LiveServer, tozeur_with_participation: Town
) -> None:
    page, traffic = phone_tab(browser, live_server)
    journey = Journey(page)
    page.goto(f"{live_server.url}/ar/")
    journey.check()

    journey.tap(".shortcuts a[href='/ar/m/']", FIRST_MAP_BUDGET)
    page.fill("#finder-q", "توزر")
    with page.expect_navigation():
        page.press("#finder-q", "Enter")
    assert page.url == f"{live_server.url}/ar/m/6211/"  # the one municipality found opens at once
    journey.check()
    assert_map_controls_in_arabic(page)
    journey.tap("nav.maps a[href='/ar/m/6211/services/']")
    journey.tap("nav.maps a[href='/ar/m/6211/collection/']")
    journey.tap("nav.maps a[href='/ar/m/6211/']")
    for space in ("/ar/petitions/6211/", "/ar/council/6211/", "/ar/finances/6211/"):
        journey.tap(f"a[href='{space}']")
        journey.tap("a[href='/ar/m/6211/']")  # and back to her municipality, from the page's own links
    journey.tap("a.brand")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    print("\n".join(journey.on_slow_3g()))
    page.context.close()
