"""A citizen finds the open data from the home page in Arabic, on a phone, and downloads a municipality's file."""

import pyogrio
import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import Traffic
from tests.conftest import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_arabic_phone_downloads_a_municipalitys_service_points(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur: Town, beja: Town, settings, tmp_path
) -> None:
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/ar/")
    page.get_by_role("link", name="البيانات المفتوحة").click()
    expect(page.locator("h1")).to_have_text("البيانات المفتوحة")
    page.select_option("#municipality", "6211")
    page.get_by_role("button", name="عرض").click()
    expect(page.locator("#municipality")).to_have_value("6211")
    # Tozeur's own counts (Béja's container is not counted), and no link to budget lines it has not published.
    expect(page.locator("#dataset-service-points .rows")).to_have_text("1")
    expect(page.locator("#dataset-budget-lines")).to_contain_text("لا شيء منشور بعد لهذه البلدية")
    expect(page.locator("#dataset-budget-lines a")).to_have_count(0)
    # The table fits the phone's width: no sideways scrolling to reach the links.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download:
        page.locator("a[href$='service-points.gpkg?municipality=6211']").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "service-points-6211.gpkg"
    assert pyogrio.read_dataframe(path)["municipality"].tolist() == ["6211"]
    traffic.assert_offline()
    traffic.assert_no_console_errors()
