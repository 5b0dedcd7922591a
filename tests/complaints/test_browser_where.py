"""Where the problem is, on an Arabic phone: a place found opens the map there, on the portal's own basemap, and
she places the pin; without JavaScript she taps the map picture until she is there. Every target a finger aims
at is at least 44 pixels (WCAG 2.5.5)."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.complaints import gazetteer, services
from gisportal.complaints.models import ReporterKey
from maps import picture
from tests.browser import Traffic, phone_tab
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.conftest import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FINGER = 44  # CSS pixels


@pytest.fixture
def phone_without_javascript(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    tab, _ = phone_tab(browser, live_server, javascript=False)
    yield tab
    tab.context.close()


def assert_finger_sized(page: Page, selector: str) -> None:
    targets = page.locator(selector)
    assert targets.count(), f"nothing matches {selector}"
    for i in range(targets.count()):
        box = targets.nth(i).bounding_box()
        assert box is not None and box["height"] >= FINGER and box["width"] >= FINGER, (selector, box)


def test_a_place_found_opens_the_map_there_and_she_places_the_pin(
    phone: tuple[Page, Traffic], live_server: LiveServer, tozeur: Town
) -> None:
    gazetteer.load_places()
    page, traffic = phone

    page.goto(f"{live_server.url}/ar/report/")
    expect(page.locator("#picture-form")).to_be_hidden()  # the live map instead of its picture
    page.fill("#id_q", "توزر")
    with page.expect_navigation():
        page.click(".place-search button")
    with page.expect_navigation():
        page.locator(".places a").first.click()

    # The map opens on Tozeur, on the portal's basemap with its names in Arabic, and waits for her pin.
    expect(page.locator("#report-map")).to_be_visible()
    expect(page.locator("#report-map .gisportal-basemap-labels text").first).to_be_attached()
    assert page.input_value("#id_lat") == ""
    expect(page.locator(".leaflet-marker-icon")).to_have_count(0)
    box = page.locator("#report-map").bounding_box()
    assert box is not None
    page.tap("#report-map", position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert float(page.input_value("#id_lat")) == pytest.approx(33.92, abs=0.02)
    with page.expect_navigation():
        page.click("#where-form button[type=submit]")

    # The next step shows where she put it.
    shown = page.locator(".where img.map-picture")
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 340
    assert any("/basemap/15/" in url for url in traffic.requests)
    assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    assert traffic.console_errors == []


def test_without_javascript_she_taps_the_picture_until_she_is_there(
    phone_without_javascript: Page, live_server: LiveServer, tozeur: Town
) -> None:
    page = phone_without_javascript
    page.goto(f"{live_server.url}/ar/report/")
    expect(page.locator("#report-map")).to_be_hidden()

    for _ in range(4):  # zoom 6, 9, 12, then 14, where a tap chooses
        if page.locator("#picture-form").count() == 0:
            break
        form = page.locator("#picture-form")
        centre = {name: form.locator(f"input[name={name}]").get_attribute("value") for name in ("clat", "clon", "z")}
        view = picture.at(float(centre["clon"] or 0), float(centre["clat"] or 0), int(centre["z"] or 0), "choose")
        target = picture.Picture(TOZEUR_LON, TOZEUR_LAT, view.zoom, view.width, view.height).centre
        x = view.width / 2 + (target[0] - view.centre[0]) / view.resolution
        y = view.height / 2 - (target[1] - view.centre[1]) / view.resolution
        with page.expect_navigation():
            page.locator("input[type=image]").click(position={"x": x, "y": y})

    expect(page.locator("a[data-category=waste]")).to_be_visible()  # the "what" step: the place is chosen
    expect(page.locator(".where")).to_contain_text("Tozeur")


def test_every_target_is_finger_sized(
    phone: tuple[Page, Traffic], live_server: LiveServer, tozeur: Town, planner_tozeur: User
) -> None:
    page, _ = phone
    page.goto(f"{live_server.url}/ar/report/?lat={TOZEUR_LAT}&lon={TOZEUR_LON}&category=waste")
    assert_finger_sized(page, ".languages button")
    assert_finger_sized(page, ".where a.change")
    assert_finger_sized(page, "button.me-too")  # someone else's report nearby

    complaint = tozeur.complaint
    key = ReporterKey.objects.create(complaint=complaint).key
    services.change_status(complaint, to="resolved", by=planner_tozeur, note="تم")
    page.goto(f"{live_server.url}/ar/report/{complaint.tracking_code}/?key={key}")
    assert_finger_sized(page, "#satisfaction label:has(input[type=radio])")
    assert_finger_sized(page, ".where-map figcaption a")
    # She taps the label, the finger-sized target (the map picture above may still be settling: a tap on the small
    # radio itself was intercepted by whichever label moved over it).
    answer = page.locator("input[name=satisfied][value=no]")
    page.locator(f"label[for='{answer.get_attribute('id')}']").click()
    expect(answer).to_be_checked()


def test_without_javascript_the_picture_zooms_out_and_in(
    phone_without_javascript: Page, live_server: LiveServer, tozeur: Town
) -> None:
    page = phone_without_javascript
    page.goto(f"{live_server.url}/ar/report/?clat={TOZEUR_LAT}&clon={TOZEUR_LON}&z=15")
    assert_finger_sized(page, ".zoom a")
    image = page.locator("input[type=image]")
    src = image.get_attribute("src") or ""
    answer = page.request.get(live_server.url + src)
    assert (answer.status, answer.headers["content-type"]) == (200, "image/svg+xml")
    # Its pixels are the picture's: a click maps to the place under it only at its own size.
    box = image.bounding_box()
    assert box is not None and (box["width"], box["height"]) == (340, 300)
