"""The map picture of pages without JavaScript: the basemap's outlines, streets and names around a point, as SVG,
and the place under a click."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from etl.models import RoadSegment
from maps import picture
from tests.conftest import TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_a_click_is_the_place_under_it() -> None:
    view = picture.at(LON, LAT, 16, "choose")
    assert view.lonlat(view.width / 2, view.height / 2) == (pytest.approx(LON), pytest.approx(LAT))
    lon, lat = view.lonlat(view.width / 2 + 100, view.height / 2 - 100)  # 100 pixels right and up
    metres_per_pixel = 2 * math.pi * 6_378_137 / (256 * 2**16) * math.cos(math.radians(LAT))
    assert (lon - LON) * 111_320 * math.cos(math.radians(LAT)) == pytest.approx(100 * metres_per_pixel, rel=1e-3)
    assert lat > LAT
    with pytest.raises(picture.OutOfRange):
        picture.at(LON, LAT, 19, "choose")


def test_the_picture_draws_streets_and_names_in_the_page_language(
    client: Client, tozeur: Town, streets: list[RoadSegment]
) -> None:
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()

    response = client.get("/ar/m/picture.svg", {"lat": str(LAT), "lon": str(LON), "z": "14", "pin": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "public" in response["Cache-Control"]
    root = ET.fromstring(response.content)  # noqa: S314 (the portal's own answer)
    assert (root.get("width"), root.get("height")) == ("340", "300")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "وسط توزر" in texts and "Tozeur centre" not in texts
    classes = [p.get("class") for p in root.iter(f"{SVG}path")]
    assert {"major", "road", "district", "pin"} <= set(classes)  # the avenue, the street, the district, the pin
    assert "Conteneur" not in response.content.decode()  # the basemap only: no layer, no report


def test_names_are_text_not_markup(client: Client, tozeur: Town) -> None:
    tozeur.district.name = '<script>alert(1)</script>"&'
    tozeur.district.save()

    response = client.get("/m/picture.svg", {"lat": str(LAT), "lon": str(LON), "z": "15"})

    assert b"<script>" not in response.content
    texts = [t.text for t in ET.fromstring(response.content).iter(f"{SVG}text")]  # noqa: S314
    assert '<script>alert(1)</script>"&' in texts


@pytest.mark.parametrize("query", ["lat=33.9&lon=8.1", "lat=33.9&lon=8.1&z=4", "lat=99&lon=8.1&z=12", "z=12"])
def test_a_bad_picture_is_a_400(client: Client, db, query: str) -> None:
    assert client.get(f"/m/picture.svg?{query}").status_code == 400
    assert client.get("/m/picture.svg?lat=33.9&lon=8.1&z=12&size=huge").status_code == 400
