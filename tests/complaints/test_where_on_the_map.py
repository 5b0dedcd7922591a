"""Where the problem is, without JavaScript: a place found opens the map there, a click on the map picture zooms
in and then chooses the place (as FixMyStreet does); the chosen place and the report's are shown on a picture;
a reporter is not offered "me too" on her own report."""

from urllib.parse import parse_qs, urlsplit

import pytest

from gisportal.complaints import gazetteer
from gisportal.complaints.models import Follower, ReporterKey
from maps import picture
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.complaints.test_citizen_pages import details

REPORT = "/en/report/"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def click(client, centre: dict[str, str], lon: float, lat: float):  # type: ignore[no-untyped-def]
    """A click on the picture of `centre` at the pixel of (lon, lat)."""
    view = picture.at(float(centre["clon"]), float(centre["clat"]), int(centre["z"]), "choose")
    (cx, cy), place = view.centre, picture.Picture(lon, lat, view.zoom, view.width, view.height).centre
    x = view.width / 2 + (place[0] - cx) / view.resolution
    y = view.height / 2 - (place[1] - cy) / view.resolution
    return client.get(REPORT, centre | {"map.x": str(round(x)), "map.y": str(round(y))})


def test_clicks_on_the_picture_zoom_in_then_choose_the_place(client, tozeur):
    page = client.get(REPORT).content.decode()
    assert '<input type="image" name="map" class="map-picture"' in page
    assert "z=6&amp;size=choose" in page  # all of Tunisia first

    centre = {"clat": "33.9", "clon": "9.6", "z": "6"}
    for zoom in ("9", "12", "14"):  # each click zooms in where it fell, to the zoom where a click chooses
        response = click(client, centre, TOZEUR_LON, TOZEUR_LAT)
        assert response.status_code == 302
        centre = query_of(response["Location"])
        assert centre["z"] == zoom
        assert (float(centre["clat"]), float(centre["clon"])) == (
            pytest.approx(TOZEUR_LAT, abs=0.03),
            pytest.approx(TOZEUR_LON, abs=0.03),
        )
    chosen = click(client, centre, TOZEUR_LON, TOZEUR_LAT)
    place = query_of(chosen["Location"])
    assert (float(place["lat"]), float(place["lon"])) == (
        pytest.approx(TOZEUR_LAT, abs=0.0002),  # a pixel at zoom 14 is about 8 m
        pytest.approx(TOZEUR_LON, abs=0.0002),
    )
    what = client.get(chosen["Location"]).content.decode()
    assert "What kind of problem?" in what
    assert "size=show&amp;pin=1" in what  # the chosen place, shown on the map
    assert client.get(REPORT, {"map.x": "1", "map.y": "2", "clat": "x", "clon": "1", "z": "9"}).status_code == 302


def test_a_place_found_opens_the_map_there(client, db):
    gazetteer.load_places()
    found = client.get(REPORT, {"q": "Tozeur"}).content.decode()
    link = found.split('class="places"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    query = query_of(link)
    assert set(query) == {"clat", "clon", "z"}  # the map centred there, no place chosen for her
    where = client.get(REPORT, query).content.decode()
    assert 'id="picture-form"' in where and 'data-zoom="15"' in where
    assert 'id="id_lat" value=""' in where


def test_the_reporter_is_not_offered_me_too_on_her_report(client, tozeur):
    sent = client.post(REPORT, details())
    code = sent["Location"].split("/")[3]
    status = client.get(f"/en/report/{code}/").content.decode()
    assert "Me too" not in status
    assert "size=show&amp;pin=1" in status and 'href="/en/m/6211/complaints/"' in status  # where it is
    assert client.post(f"/en/report/{code}/follow", {"contact": ""}).status_code == 302
    assert not Follower.objects.filter(complaint__tracking_code=code).exists()
    # Reporting again nearby, she sees it as hers, not as someone else's to follow.
    nearby = client.get(REPORT, {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    assert "You sent this report" in nearby
    other = type(client)()
    assert "Me too" in other.get(f"/en/report/{code}/").content.decode()


def test_the_private_link_is_the_reporter_too(client, tozeur):
    key = ReporterKey.objects.create(complaint=tozeur.complaint).key
    url = f"/en/report/{tozeur.complaint.tracking_code}/"
    assert "Me too" not in client.get(url, {"key": key}).content.decode()
