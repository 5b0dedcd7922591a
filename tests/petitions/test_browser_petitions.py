"""In Chromium: on an Arabic phone a citizen starts a petition on the map, another signs one (with JavaScript and
without) after confirming her e-mail and giving her ID number; the municipality's planner opens one, enters paper
signatures up to the threshold and publishes the answer, which the public page shows with the whole history."""

from collections.abc import Iterator

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.petitions.models import Petition, Signature
from tests.browser import Traffic, log_in, phone_tab
from tests.budgeting.test_browser_pb import sign_in
from tests.conftest import TOZEUR_CENTRE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def any_phone(request, browser: Browser, live_server: LiveServer) -> Iterator[tuple[Page, Traffic, bool]]:  # type: ignore[no-untyped-def]
    """An Arabic phone tab with JavaScript, then one without."""
    tab, traffic = phone_tab(browser, live_server, javascript=request.param)
    yield tab, traffic, request.param
    tab.context.close()


def test_a_citizen_signs_a_petition_from_an_arabic_phone(
    any_phone: tuple[Page, Traffic, bool], live_server: LiveServer, open_petition: Petition
) -> None:
    page, traffic, javascript = any_phone
    place = Point(TOZEUR_CENTRE[0] + 0.001, TOZEUR_CENTRE[1], srid=4326)
    Petition.objects.filter(pk=open_petition.pk).update(location=place)
    page.goto(f"{live_server.url}/ar/petitions/6211/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text("العرائض الموجّهة إلى")
    if javascript:  # its place on the map; without JavaScript the list says everything
        expect(page.locator("#pb-map .leaflet-marker-icon")).to_have_count(1)
    else:
        expect(page.locator("#pb-map")).to_be_hidden()
    with page.expect_navigation():
        page.click(f"a[href='/ar/petitions/6211/{open_petition.pk}/']")
    expect(page.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "0")
    button = page.locator("a.button", has_text="وقّعي هذه العريضة")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a tap target for a thumb
    with page.expect_navigation():
        button.click()

    sign_in(page, "amal@example.tn")  # the participants' page, then back here
    assert page.url.endswith(f"/ar/petitions/6211/{open_petition.pk}/sign/")
    page.fill("#id_national_id", "0712 3456")
    with page.expect_navigation():
        page.click("#join button[type=submit]")

    expect(page.locator(".notice")).to_contain_text("تمّ احتساب توقيعك")
    expect(page.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "1")
    expect(page.locator("text=لقد وقّعتِ هذه العريضة.")).to_be_visible()
    signature = Signature.objects.get()
    assert signature.petition == open_petition and signature.participant.id_hash is not None
    assert "07123456" not in page.content() and "amal@" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on the phone
    traffic.assert_offline()
    assert traffic.console_errors == []


def test_a_citizen_starts_a_petition_on_the_map_from_an_arabic_phone(
    phone: tuple[Page, Traffic],
    live_server: LiveServer,
    tozeur,
    threshold,  # type: ignore[no-untyped-def]
) -> None:
    page, traffic = phone
    page.goto(f"{live_server.url}/ar/petitions/6211/")
    with page.expect_navigation():
        page.click("a.button[href='/ar/petitions/6211/new/']")
    sign_in(page, "salma@example.tn")
    assert page.url.endswith("/ar/petitions/6211/new/")

    # A tap in the middle of the map (the municipality's extent) places it in the district.
    expect(page.locator("#pb-map")).to_be_visible()
    box = page.locator("#pb-map").bounding_box()
    assert box is not None
    page.locator("#pb-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#id_lat") != ""
    page.fill("#id_title", "إنارة الشارع الرئيسي")
    page.fill("#id_text", "الشارع مظلم منذ أشهر.")
    page.fill("#id_national_id", "11223344")
    with page.expect_navigation():
        page.click("#petition-form button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    with page.expect_navigation():
        page.click("text=البحث عن مبادرين مشاركين")
    expect(page.locator("p strong").first).to_have_text("جمع المبادرين المشاركين")
    petition = Petition.objects.get()
    assert petition.district == tozeur.district and petition.title == "إنارة الشارع الرئيسي"
    assert list(petition.events.values_list("state", flat=True)) == ["draft", "co-promoters"]
    traffic.assert_offline()
    assert traffic.console_errors == []


def test_the_municipality_opens_counts_paper_signatures_and_answers(
    page: Page,
    live_server: LiveServer,
    in_review: Petition,
    planner_tozeur,  # type: ignore[no-untyped-def]
) -> None:
    staff_page = f"/petitions/6211/{in_review.pk}/staff/"
    log_in(page, live_server, planner_tozeur, staff_page)
    with page.expect_navigation():
        page.click("text=Elle respecte les règles : l'ouvrir aux signatures")
    for n in range(5):  # the threshold of 5, on paper
        page.fill("#id_national_id", f"5000000{n}")
        with page.expect_navigation():
            page.click("text=Enregistrer cette signature sur papier")
        expect(page.locator(".notice")).to_contain_text("Signature sur papier enregistrée.")
    expect(page.locator("p strong").first).to_have_text("Seuil atteint, en attente de la réponse")
    page.fill("#id_answer", "Le conseil a voté l'éclairage de la rue.")
    with page.expect_navigation():
        page.click("button:has-text('Publier la réponse')")
    with page.expect_navigation():
        page.click("text=Page publique")
    expect(page.locator("#answer")).to_have_text("La réponse de la municipalité")
    expect(page.locator("main")).to_contain_text("Le conseil a voté l'éclairage de la rue.")
    expect(page.locator("ol.history li")).to_have_count(6)
    assert Petition.objects.get().signatures.filter(source="paper").count() == 5
