"""In Chromium, from an Arabic phone: a resident opens her municipality's consultation, confirms her contact, comments
on a section, supports it and drops a comment on the map; the moderator hides a comment and its place says why."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.consultations import services
from gisportal.consultations.models import Comment, Consultation, Stance
from tests.browser import Traffic, phone_tab
from tests.conftest import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, contact: str) -> None:
    """The one-time code, read from the e-mail the portal sent."""
    page.fill("#id_contact", contact)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    found = re.search(r"\b(\d{6})\b", [str(m.body) for m in mail.outbox if contact in m.to][-1])
    assert found is not None
    page.fill("#id_code", found.group(1))
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_a_resident_comments_on_a_section_from_an_arabic_phone(
    phone: tuple[Page, Traffic],
    live_server: LiveServer,
    consultation: Consultation,
    tozeur: Town,
    planner_tozeur: User,
) -> None:
    page, traffic = phone
    base = f"/ar/consultations/6211/{consultation.pk}/"
    page.goto(f"{live_server.url}/ar/m/6211/")
    with page.expect_navigation():
        page.click(f"a[href='{base}']")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.click("a.button[href^='/ar/participate/']")
    sign_in(page, "salma@example.tn")
    assert page.url.endswith(base)

    first = consultation.sections.order_by("position").first()
    assert first is not None
    section = page.locator(f"#section-{first.pk}")
    section.locator("textarea[name=body]").fill("نطلب فتح المركز يوم السبت")
    with page.expect_navigation():
        section.locator(".comment-form button[type=submit]").click()
    comment = Comment.objects.get()
    assert comment.section == first and comment.body == "نطلب فتح المركز يوم السبت"
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("نطلب فتح المركز يوم السبت")
    expect(page.locator(".notice[role=status]")).to_be_visible()

    with page.expect_navigation():
        page.locator(f"#section-{first.pk} button[value=support]").click()
    assert Stance.objects.get().value == "support"

    # On the map page a tap fills the place; the comment lands in the district.
    with page.expect_navigation():
        page.click(f"a[href='{base}map/']")
    expect(page.locator("#consultation-map")).to_be_visible()
    box = page.locator("#consultation-map").bounding_box()
    assert box is not None
    page.locator("#consultation-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#id_lat") != ""
    page.fill("#id_body", "الرصيف هنا مكسور")
    with page.expect_navigation():
        page.click("#map-comment button[type=submit]")
    placed = Comment.objects.get(location__isnull=False)
    assert placed.district == tozeur.district
    expect(page.locator("#consultation-map .leaflet-marker-icon")).to_have_count(1)

    services.hide_comment(comment=comment, staff=planner_tozeur, reason="معطيات شخصية")
    page.goto(f"{live_server.url}{base}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("معطيات شخصية")
    expect(page.locator(f"#comment-{comment.pk}")).not_to_contain_text("نطلب فتح المركز")
    assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    assert traffic.console_errors == []


def test_without_javascript_she_taps_the_map_picture_and_comments_on_the_place(
    browser: Browser, live_server: LiveServer, consultation: Consultation, tozeur: Town
) -> None:
    page, traffic = phone_tab(browser, live_server, javascript=False)
    try:
        base = f"/ar/consultations/6211/{consultation.pk}/map/"
        page.goto(f"{live_server.url}/ar/participate/?next={base}")
        sign_in(page, "hend@example.tn")
        assert page.url.endswith(base)
        expect(page.locator("#consultation-map")).to_be_hidden()
        with page.expect_navigation():
            page.locator("#picture-form input[type=image]").click(position={"x": 170, "y": 150})
        assert page.input_value("#id_lat") != "" and page.input_value("#id_lon") != ""
        page.fill("#id_body", "هنا ينقص ممر للراجلين")
        with page.expect_navigation():
            page.click("#map-comment button[type=submit]")
        placed = Comment.objects.get()
        assert placed.location is not None and placed.district == tozeur.district
        expect(page.locator(f"#comment-{placed.pk}")).to_contain_text("هنا ينقص ممر للراجلين")
        assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    finally:
        page.context.close()
