"""In Chromium: a citizen on an Arabic phone finds Bou Arada's 2018 expenses by function from its municipality's page,
and the national map colours the municipalities by their performance score."""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import phone_tab
from tests.finances.conftest import load_real

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(tmp_path) -> None:
    load_real(tmp_path)


def test_a_citizen_finds_bou_aradas_2018_expenses_by_function_on_an_arabic_phone(
    browser: Browser, live_server: LiveServer, loaded: None
) -> None:
    page, traffic = phone_tab(browser, live_server)
    try:
        page.goto(f"{live_server.url}/ar/m/2412/")
        with page.expect_navigation():
            page.get_by_role("link", name="الميزانية", exact=True).click()
        assert page.url == f"{live_server.url}/ar/finances/2412/"
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("ميزانية بوعرادة 2018")
        expect(page.locator('.tabs a[aria-current="page"]')).to_have_text("2018")
        section = page.locator("#functions")
        expect(section.get_by_role("heading", name="أين يذهب الدينار؟")).to_be_visible()
        staff = section.locator("tbody tr").filter(has_text="أجور الأعوان (كل المصالح)")
        expect(staff.locator("td").nth(0)).to_have_text("\u2066413\u2069\u00a0مليم")
        expect(staff.locator("td").nth(1)).to_have_text("\u2066594\u202f350\u2069\u00a0د.ت")
        expect(section.locator("tfoot td").nth(1)).to_have_text("\u20661\u202f437\u202f803\u2069\u00a0د.ت")
        lighting = section.locator("tbody tr").filter(has_text="التنوير العمومي")
        expect(lighting).to_have_count(1)
        # The picture beside the table draws its labels right to left, from the right edge.
        label = section.locator("svg text").first
        expect(label).to_have_attribute("direction", "rtl")
        chart = section.locator("svg").bounding_box()
        first = label.bounding_box()
        assert chart and first and first["x"] + first["width"] > chart["x"] + chart["width"] * 0.8
        # A phone reads it without scrolling sideways; nothing left the portal.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        traffic.assert_offline()
        assert traffic.console_errors == []
    finally:
        page.context.close()


def test_the_national_map_colours_municipalities_by_performance_score(
    browser: Browser, live_server: LiveServer, loaded: None
) -> None:
    page, traffic = phone_tab(browser, live_server, javascript=False)
    try:
        page.goto(f"{live_server.url}/ar/finances/")
        expect(page.locator('select[name="measure"]')).to_have_value("performance_score")
        darkest = "rgb(8, 81, 156)"
        top = page.locator('svg.choropleth a[href="/ar/finances/3425/"] path')  # Mahrès, 98 / 100 in 2018
        assert top.evaluate("p => getComputedStyle(p).fill") == darkest
        lowest = page.locator("#ranking tbody tr").last.locator("a").get_attribute("href")
        low = page.locator(f'svg.choropleth a[href="{lowest}"] path')
        assert low.evaluate("p => getComputedStyle(p).fill") == "rgb(222, 235, 247)"
        missing = page.locator("svg.choropleth path.nd")
        expect(missing).to_have_count(350 - 272)
        assert "no-data" in missing.first.evaluate("p => getComputedStyle(p).fill")
        expect(page.locator("#ranking tbody tr").first).to_contain_text("المحرس")
        # Another measure, with the form alone (no JavaScript): only Bou Arada has a budget.
        page.select_option('select[name="measure"]', "budget_per_inhabitant")
        with page.expect_navigation():
            page.click("form.filters button")
        expect(page.locator("#ranking tbody tr")).to_have_count(1)
        expect(page.locator("svg.choropleth path.nd")).to_have_count(349)
        with page.expect_navigation():
            page.locator('svg.choropleth a[href="/ar/finances/2412/"]').click()
        expect(page.locator("h1")).to_have_text("ميزانية بوعرادة 2018")
        traffic.assert_offline()
    finally:
        page.context.close()
