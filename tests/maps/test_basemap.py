"""The public basemap tiles: boundaries, streets and names of both scripts, nothing personal, cached until the data
changes, and the same tile for everyone."""

import math
from pathlib import Path

import pyogrio
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from etl.models import RoadSegment
from gisportal.complaints.models import Place
from maps import basemap
from tests.conftest import TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def read(data: bytes, address: tuple[int, int, int], folder: Path, layer: str):
    """One layer of a tile, read by GDAL's MVT driver (it finds z/x/y in the file's path)."""
    z, x, y = address
    path = folder / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if layer not in [name for name, _ in pyogrio.list_layers(path)]:
        return None
    return pyogrio.read_dataframe(path, layer=layer)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def get(client: Client, address: tuple[int, int, int], **headers):  # type: ignore[no-untyped-def]
    z, x, y = address
    return client.get(f"/basemap/{z}/{x}/{y}.pbf", **headers)


def test_a_street_tile_has_outlines_streets_and_names_in_both_scripts(
    client: Client, tozeur: Town, streets: list[RoadSegment], places: list[Place], tmp_path: Path
) -> None:
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()
    address = tile_of(LON, LAT, 15)

    response = get(client, address)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Cache-Control"] == "public, max-age=3600"  # the same for everyone: shared caches may keep it
    labels = read(response.content, address, tmp_path, "labels")
    names = {(row.kind, row.name_fr, row.name_ar) for row in labels.itertuples()}
    assert ("district", "Tozeur centre", "وسط توزر") in names
    village = tile_of(LON - 0.008, LAT - 0.009, 15)
    village_labels = read(get(client, village).content, village, tmp_path / "village", "labels")
    village_names = set(village_labels[["kind", "name_fr", "name_ar"]].itertuples(index=False, name=None))
    assert ("place", "Bled el Hader", "بلد الحضر") in village_names
    roads = read(response.content, address, tmp_path, "roads")
    assert set(zip(roads["class"], roads["name"], strict=True)) >= {("primary", "Avenue Habib Bourguiba")}
    town = tile_of(LON, LAT, 12)
    outlines = read(get(client, town).content, town, tmp_path / "town", "boundaries")
    assert sorted(outlines["kind"]) == ["district", "municipality"]
    assert set(outlines.geometry.geom_type) <= {"LineString", "MultiLineString"}  # outlines, never cut polygons
    assert "Conteneur" not in response.content.decode("utf-8", "replace")  # the layers are drawn by the map


def test_at_town_zoom_the_municipality_is_named_on_its_own_town_once(
    client: Client, tozeur: Town, places: list[Place], tmp_path: Path
) -> None:
    address = tile_of(LON, LAT, 10)

    labels = read(get(client, address).content, address, tmp_path, "labels")

    assert list(labels["name_fr"]).count("Tozeur") == 1
    tozeur_label = labels[labels["name_fr"] == "Tozeur"].iloc[0]
    assert (tozeur_label["kind"], tozeur_label["name_ar"]) == ("municipality", "Tozeur")
    x, y = tozeur_label.geometry.x, tozeur_label.geometry.y  # Web Mercator, as GDAL reads tiles
    lon = math.degrees(x / 6_378_137)
    lat = math.degrees(2 * math.atan(math.exp(y / 6_378_137)) - math.pi / 2)
    assert (lon, lat) == (pytest.approx(LON + 0.001, abs=2e-4), pytest.approx(LAT + 0.002, abs=2e-4))  # the town
    assert "Bled el Hader" not in set(labels["name_fr"])  # a village is named from zoom 11
    assert read(get(client, address).content, address, tmp_path / "again", "roads") is None  # no road network


def test_at_country_zoom_governorates_are_named(client: Client, tozeur: Town, tmp_path: Path) -> None:
    address = tile_of(LON, LAT, 7)

    labels = read(get(client, address).content, address, tmp_path, "labels")

    assert {(row.kind, row.name_fr, row.name_ar) for row in labels.itertuples()} == {("governorate", "Tozeur", "توزر")}


def test_a_tile_is_cached_until_the_data_it_draws_changes(client: Client, tozeur: Town, tmp_path: Path) -> None:
    address = tile_of(LON, LAT, 15)
    first = get(client, address)
    with CaptureQueriesContext(connection) as queries:
        again = get(client, address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert len(queries) == 1  # the data version alone: the tile comes from the cache

    tozeur.district.name = "Ras Edhrâa"
    tozeur.district.save()
    changed = get(client, address, HTTP_IF_NONE_MATCH=first["ETag"])

    assert changed.status_code == 200
    assert "Ras Edhrâa" in set(read(changed.content, address, tmp_path, "labels")["name_fr"])


def test_tile_addresses_are_checked(client: Client, tozeur: Town) -> None:
    assert get(client, (3, 4, 3)).status_code == 204  # above the country's first zoom
    assert get(client, (15, 0, 0)).status_code == 204  # far from Tunisia
    assert get(client, (19, 0, 0)).status_code == 404
    assert get(client, (3, 8, 0)).status_code == 404
    assert client.get("/basemap/99999999999999999999/0/0.pbf").status_code == 404
    assert basemap.url_template() == "/basemap/{z}/{x}/{y}.pbf"
