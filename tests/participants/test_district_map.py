"""A participant finds her district by tapping a picture of her municipality's map: no JavaScript needed."""

import math
import re
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.participants import selectors
from gisportal.participants.models import Participant
from gisportal.participants.selectors import SESSION_KEY
from layers.models import District
from maps import picture
from tests.browser import phone_tab
from tests.conftest import TOZEUR_CENTRE, Town, square

LON, LAT = TOZEUR_CENTRE
PROFILE = "/participate/me/"


@pytest.fixture
def oasis(tozeur: Town) -> District:
    """A second district, east of the centre one, so that a tap has two to choose from."""
    return District.objects.create(
        municipality=tozeur.municipality, name="Oasis", name_ar="الواحة", boundary=square(LON + 0.02, LAT, half=0.01)
    )


@pytest.fixture
def resident(db) -> Participant:
    return Participant.objects.create(contact="amal@example.tn")


def sign_in(client, participant: Participant) -> None:
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()


def session_of(participant: Participant) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = participant.pk
    store.create()
    return str(store.session_key)


def pixel_of(view: picture.Picture, lon: float, lat: float) -> tuple[int, int]:
    """Where a place falls in the picture: the inverse of Picture.lonlat."""
    cx, cy = view.centre
    mx = picture.EARTH * math.radians(lon)
    my = picture.EARTH * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return round(view.width / 2 + (mx - cx) / view.resolution), round(view.height / 2 - (my - cy) / view.resolution)


def tap(client, view: picture.Picture, lon: float, lat: float, language: str = ""):
    x, y = pixel_of(view, lon, lat)
    query = {"m": "6211", "lon": view.lon, "lat": view.lat, "z": view.zoom, "map.x": x, "map.y": y}
    return client.get(language + PROFILE, query)


def test_the_map_shows_all_her_municipalitys_districts(tozeur, oasis):
    view = selectors.district_map(tozeur.municipality).view
    for district in (tozeur.district, oasis):
        west, south, east, north = district.boundary.extent
        for lon, lat in ((west, south), (east, north)):
            x, y = pixel_of(view, lon, lat)
            assert 0 <= x <= view.width and 0 <= y <= view.height
    assert view.zoom >= 12  # district outlines are drawn from zoom 12


def test_a_tap_chooses_the_district_under_it_and_saving_keeps_it(client, tozeur, oasis, resident):
    sign_in(client, resident)
    view = selectors.district_map(tozeur.municipality).view
    page = client.get(PROFILE, {"m": "6211"})
    assert page.status_code == 200 and 'type="image" name="map"' in page.content.decode()

    tapped = tap(client, view, LON + 0.025, LAT + 0.005, language="/ar")
    body = tapped.content.decode()
    assert tapped.status_code == 200 and "الواحة" in body
    assert re.search(rf'<option value="{oasis.pk}" selected>', body)
    assert "pin=1" in body  # the picture now centred and pinned where she tapped
    resident.refresh_from_db()
    assert resident.district is None  # nothing is kept before she saves

    client.post(PROFILE, {"district": oasis.pk, "gender": "", "age_band": "", "national_id": ""})
    resident.refresh_from_db()
    assert resident.district == oasis
    # Back on her page, the map opens on her own municipality without asking.
    assert 'name="m" value="6211"' in client.get(PROFILE).content.decode()


def test_a_tap_outside_every_district_says_so(client, tozeur, oasis, resident):
    sign_in(client, resident)
    view = selectors.district_map(tozeur.municipality).view
    tapped = tap(client, view, LON + 0.02, LAT + 0.015, language="/en")
    body = tapped.content.decode()
    assert tapped.status_code == 200 and "There is no district of Tozeur where you tapped" in body
    assert '<option value="" selected>' in body.split('id="id_district"')[1].split("</select>")[0]


@pytest.mark.parametrize("forged", [{"z": "99"}, {"lat": "north"}, {"map.x": "1e999x"}])
def test_a_forged_map_link_is_refused_clearly(client, tozeur, resident, forged):
    sign_in(client, resident)
    query = {"m": "6211", "lon": LON, "lat": LAT, "z": 13, "map.x": 10, "map.y": 10, **forged}
    response = client.get("/en" + PROFILE, query)
    assert response.status_code == 400 and "This place is not on the map" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_an_arabic_phone_without_javascript_she_taps_her_district_and_saves_it(
    browser: Browser, live_server: LiveServer, tozeur: Town, oasis: District, resident: Participant
) -> None:
    page, traffic = phone_tab(browser, live_server, javascript=False)
    page.context.add_cookies([{"name": "sessionid", "value": session_of(resident), "url": live_server.url}])
    page.goto(f"{live_server.url}/ar{PROFILE}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.select_option("select[name=m]", "6211")
    with page.expect_navigation():
        page.click("text=عرض أحيائها")
    view = selectors.district_map(tozeur.municipality).view
    x, y = pixel_of(view, LON + 0.025, LAT)
    with page.expect_navigation():
        page.locator("input.map-picture").click(position={"x": x, "y": y})
    expect(page.locator("p[role=status]")).to_contain_text("الواحة")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    resident.refresh_from_db()
    assert resident.district == oasis
    traffic.assert_offline()
    page.context.close()
