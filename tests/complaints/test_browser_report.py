"""A citizen reports in Arabic from a phone-sized headless Chromium; Tozeur's staff follow it to resolution."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.complaints import gazetteer
from gisportal.complaints.models import SatisfactionAnswer
from layers.models import Complaint
from tests.browser import PHONE, Traffic, log_in
from tests.conftest import Town
from tests.open311.conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESCRIPTION = "الحاوية ممتلئة منذ ثلاثة أيام أمام المدرسة"


def test_arabic_phone_report_followed_to_resolution(
    browser: Browser,
    phone: tuple[Page, Traffic],
    live_server: LiveServer,
    tozeur: Town,
    beja: Town,
    planner_tozeur: User,
    settings,
    tmp_path,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # served as `make demo` serves it: DEBUG off
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()
    gazetteer.load_places()
    page, traffic = phone

    # Where: the place search finds Tozeur by its Arabic name.
    page.goto(f"{live_server.url}/ar/report/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#report-map")).to_be_visible()
    page.fill("#id_q", "توزر")
    with page.expect_navigation():
        page.click(".place-search button")
    with page.expect_navigation():
        page.locator(".places a").first.click()

    # The map opens on the place found, and she puts the pin where the problem is.
    box = page.locator("#report-map").bounding_box()
    assert box is not None
    assert page.input_value("#id_lon") == ""
    page.tap("#report-map", position={"x": box["width"] / 2 + 40, "y": box["height"] / 2 + 30})
    assert page.input_value("#id_lon") != ""
    with page.expect_navigation():
        page.click("#where-form button[type=submit]")

    # What, then the details, in Arabic.
    with page.expect_navigation():
        page.click("a[data-category=waste]")
    expect(page.locator("h2").first).to_have_text("فضلات لم تُرفع")
    # The category's question and its answers in Arabic, the district by its Arabic name.
    expect(page.locator("label[for=id_q_container]")).to_have_text("ما مشكلة الحاوية؟")
    expect(page.locator("#id_q_container option[value=full]")).to_have_text("ممتلئة ولم تُفرغ")
    expect(page.locator(".where")).to_contain_text("وسط توزر")
    # Nothing sticks out sideways on a phone (the honeypot once did, in right-to-left).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#id_q_container", "full")
    page.fill("#id_description", DESCRIPTION)
    page.set_input_files("#id_photos", files=[FilePayload(name="c.jpg", mimeType="image/jpeg", buffer=jpeg_with_gps())])
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    expect(page.locator(".thanks")).to_be_visible()
    # Her photo shows (not a broken box), the district is named in Arabic, the date is day first.
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    assert page.eval_on_selector("img.photo", "image => image.naturalWidth") > 0
    expect(page.locator(".facts")).to_contain_text("وسط توزر")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", page.locator(".facts dd").nth(1).inner_text())
    code = page.locator(".thanks .code").inner_text()
    complaint = Complaint.objects.get(tracking_code=code)
    assert (complaint.municipality, complaint.description) == (tozeur.municipality, DESCRIPTION)
    assert page.locator("#status").get_attribute("data-status") == "submitted"

    # Tozeur's planner sees it in her list and resolves it with a public note.
    staff_context = browser.new_context(locale="fr-TN", viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    log_in(staff_page, live_server, planner_tozeur, "/staff/complaints/")
    expect(staff_page.locator(f"text={code}")).to_be_visible()
    with staff_page.expect_navigation():
        staff_page.click(f"text={code}")
    for status, note in [("in_progress", "L'équipe de propreté arrive."), ("resolved", "تم إفراغ الحاوية")]:
        staff_page.select_option("select[name=status]", status)
        staff_page.fill("textarea[name=note]", note)
        with staff_page.expect_navigation():
            staff_page.click("form.triage button[type=submit]")  # the page's one Save
    # Her report's place on the map picture (not a broken box).
    staff_page.wait_for_function("() => [...document.images].every(image => image.complete)")
    assert staff_page.eval_on_selector(".where-map img", "image => image.naturalWidth") > 0

    # The citizen's status page shows the resolution, and she answers the satisfaction question.
    page.reload()
    page.wait_for_load_state("networkidle")  # the map's outlines arrive and the page stops moving before a tap
    assert page.locator("#status").get_attribute("data-status") == "resolved"
    expect(page.locator(".updates")).to_contain_text("تم إفراغ الحاوية")
    # A note written in French reads left to right, its full stop at its end, inside the Arabic page.
    french = page.locator(".updates .note", has_text="L'équipe de propreté arrive.")
    assert french.evaluate("note => getComputedStyle(note).direction") == "ltr"
    page.locator("label:has(> input[name=satisfied][value=yes])").click()  # her 44 px tap target
    with page.expect_navigation():
        page.click("#satisfaction button[type=submit]")
    assert SatisfactionAnswer.objects.get(complaint=complaint).satisfied is True
    # The planner reads her answer.
    staff_page.reload()
    expect(staff_page.locator(".satisfaction")).to_contain_text("Satisfait de la réparation")
    staff_context.close()
    assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    assert traffic.console_errors == []
