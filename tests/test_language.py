"""A first visit opens in the browser's language (an Arabic phone gets /ar/), the switcher's choice then holds,
and nothing but page navigations is ever redirected."""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import Town

PAGE = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends when it navigates


def visit(client, path, language, **headers):  # type: ignore[no-untyped-def]
    return client.get(path, **PAGE, HTTP_ACCEPT_LANGUAGE=language, **headers)


@pytest.mark.parametrize(
    ("path", "language", "target"),
    [
        ("/", "ar-TN,ar;q=0.9,fr;q=0.8", "/ar/"),
        ("/report/?lat=33.92&lon=8.13", "ar", "/ar/report/?lat=33.92&lon=8.13"),
        ("/m/6211/", "en-GB,en;q=0.9", "/en/m/6211/"),
        ("/open-data/", "de-DE,de;q=0.9,ar;q=0.5", "/ar/open-data/"),  # the first language the portal speaks
    ],
)
def test_an_unprefixed_page_opens_in_the_browsers_language(client, db, path, language, target):
    response = visit(client, path, language)
    assert (response.status_code, response["Location"]) == (302, target)
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


@pytest.mark.parametrize("language", ["fr-TN,fr;q=0.9", "fr", "de-DE", "*", ""])
def test_french_or_an_unknown_language_stays_at_the_root(client, db, language):
    response = visit(client, "/", language)
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_the_switchers_choice_wins_over_the_browser(client, db):
    client.cookies["django_language"] = "fr"
    assert visit(client, "/", "ar").status_code == 200  # she chose French on an Arabic phone
    client.cookies["django_language"] = "en"
    assert visit(client, "/report/", "ar")["Location"] == "/en/report/"


@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/",
        "/ogc",
        "/open311/v2/services.json",
        "/healthz",
        "/tiles/service_point.json",
        "/static/portal/portal.css",
        "/media/complaints/x.jpg",
        "/i18n/setlang/",
        "/ar/",
        "/no-such-page/",
    ],
)
def test_never_the_api_open311_tiles_static_media_or_a_prefixed_page(client, db, path):
    response = visit(client, path, "ar")
    assert response.status_code != 302 or not response["Location"].startswith("/ar/")


def test_a_scripts_fetch_and_a_form_are_answered_where_they_asked(client, db):
    response = client.get("/m/municipalities.json", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert client.post("/report/", {}, HTTP_ACCEPT_LANGUAGE="ar", **PAGE).status_code == 400  # the French form's answer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_arabic_phone_lands_in_arabic_and_may_switch_to_french(
    browser: Browser, live_server: LiveServer, tozeur: Town
) -> None:
    context = browser.new_context(locale="ar-TN", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.url == live_server.url + "/ar/"
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # Her links stay in Arabic.
        with page.expect_navigation():
            page.click("a[href='/ar/report/']")
        assert page.url == live_server.url + "/ar/report/"
        # She prefers French: the switcher takes her there, and the French pages stay French.
        with page.expect_navigation():
            page.click("form.languages button[value=fr]")
        assert page.url == live_server.url + "/report/"
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.goto(live_server.url + "/")
        assert page.url == live_server.url + "/"
        expect(page.locator("html")).to_have_attribute("lang", "fr")
    finally:
        context.close()
