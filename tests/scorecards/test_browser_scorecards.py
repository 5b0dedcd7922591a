"""In Chromium: a citizen on an Arabic phone reads how Tozeur (a pilot of the citizen charter) answers reports, from
its municipality's page, without JavaScript; the page stays light."""

import re

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import phone_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LRI, PDI = "\u2066", "\u2069"


def test_a_citizen_reads_tozeurs_service_scorecard_on_an_arabic_phone(
    browser: Browser, live_server: LiveServer, served, evaluated
) -> None:
    page, traffic = phone_tab(browser, live_server, javascript=False)
    weights: list[int] = []
    page.on("response", lambda r: weights.append(len(r.body())) if r.request.resource_type == "document" else None)
    try:
        page.goto(f"{live_server.url}/ar/m/6211/")
        with page.expect_navigation():
            page.get_by_role("link", name="بطاقات الأداء", exact=True).click()
        assert page.url == f"{live_server.url}/ar/scorecards/6211/"
        expect(page.locator("#total")).to_have_text(f"{LRI}50\u00a0/\u00a0100{PDI}")
        # At the top, the service scorecard summed up: 1 of the 7 reports past their target resolved within it.
        summary = page.locator("#service-summary")
        expect(summary.locator("strong").first).to_have_text(f"{LRI}14\u202f%{PDI} ({LRI}7{PDI})")
        with page.expect_navigation():
            summary.get_by_role("link", name="الرد على الإشعارات").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("كيف ترد بلدية Tozeur على الإشعارات")
        cells = page.locator("#months tbody tr").filter(has_text="يناير 2026").locator("td")
        expect(cells.nth(0)).to_have_text(f"{LRI}6{PDI}")
        expect(cells.nth(1)).to_have_text(f"{LRI}20\u202f%{PDI} ({LRI}5{PDI})")  # 1 of 5 within the charter's 2 days
        expect(cells.nth(2)).to_have_text(f"{LRI}1,0{PDI}\u00a0يوم")
        # The trend is drawn right to left: January, the oldest month, at the right of the picture.
        chart = page.locator("#trend svg")
        first = chart.locator("text").filter(has_text=re.compile(r"^1$")).bounding_box()
        last = chart.locator("text").filter(has_text=re.compile(r"^12$")).bounding_box()  # the fixture's own report
        box = chart.bounding_box()
        assert box and first and last and last["x"] < box["x"] + box["width"] / 2 < first["x"]
        # Only the waste reports, with the form alone.
        page.select_option('select[name="category"]', "waste")
        with page.expect_navigation():
            page.click("form.filters button")
        expect(page.locator("#subject")).to_contain_text("فضلات لم تُرفع")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        traffic.assert_offline()
        assert weights and max(weights) < 150_000, weights
    finally:
        page.context.close()
