"""Coverage from a population raster, on small generated rasters whose answer is known: a uniform density
(population within r metres = density x the disc's area) and one person per 0.001° cell."""

import csv
import io
import json

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection

from etl.rasters import import_raster
from gisportal.api.analyses import BadAnalysisParameter, run
from layers.models import Municipality, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE
from tests.etl.test_rasters import write_raster

LON, LAT = TOZEUR_CENTRE
DENSITY = 1000.0  # persons per km²
# ST_Buffer on geography draws a 32-sided polygon: its area is 0.9936 of the circle's.
POLYGON_SHARE = 32 / (2 * np.pi) * np.sin(2 * np.pi / 32)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def density(tozeur, beja, tmp_path):
    """1,000 persons per km² on 0.1° cells over both towns (lon 8.0-9.3, lat 33.8-36.8)."""
    west, north = 8.0, 36.8
    assert west < LON < BEJA_CENTRE[0] < 9.3 and 33.8 < LAT < BEJA_CENTRE[1] < north
    path = write_raster(tmp_path / "density.tif", np.full((30, 13), DENSITY), west=west, north=north, cell=0.1)
    return import_raster(path, kind="population_density").raster


@pytest.fixture
def health_centre(tozeur):
    return ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="health_facility", location=Point(LON, LAT, srid=4326)
    )


def km2(*codes: str) -> float:
    """Area on the spheroid; exactextract weighs density cells by their area on a sphere (0.2-0.4 % apart)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(ST_Area(boundary::geography)) / 1e6 FROM layers_municipality WHERE code = ANY(%s)",
            [list(codes)],
        )
        return float(cursor.fetchone()[0])


def coverage(user=None, **raw) -> dict:
    (row,) = run("coverage-raster", {k: str(v) for k, v in raw.items()}, user=user).as_dicts()
    return row


def test_uniform_density_within_one_health_centre(density, health_centre):
    row = coverage(kind="health_facility", distance=500, municipality="6211")
    assert (row["code"], row["municipality"], row["raster"], row["service_points"]) == ("6211", "Tozeur", "density", 1)
    # The disc is 780,361 m² on the spheroid; exactextract's cell areas are on a sphere (0.4 % larger here).
    assert row["covered_population"] == pytest.approx(DENSITY * np.pi * 0.5**2 * POLYGON_SHARE, rel=0.005)
    assert row["covered_population"] == pytest.approx(DENSITY * np.pi * 0.5**2, rel=0.01)
    assert row["population"] == pytest.approx(DENSITY * km2("6211"), rel=0.005)  # about 16,400 on 16.4 km²
    assert row["covered_percent"] == pytest.approx(100 * row["covered_population"] / row["population"], abs=0.05)
    assert json.loads(row["geometry"])["type"] == "Polygon"


def test_no_service_point_of_the_kind_covers_nobody(density, health_centre):
    row = coverage(kind="pharmacy", distance=5000, municipality="6211")
    assert (row["service_points"], row["covered_population"], row["covered_percent"], row["geometry"]) == (
        0,
        0,
        0.0,
        None,
    )
    assert row["population"] == pytest.approx(DENSITY * km2("6211"), rel=0.005)


def test_the_reach_is_clipped_to_the_area_and_unions_overlapping_discs(density, health_centre, tozeur):
    # A second centre 100 m east (the discs overlap) and one 3 km outside the square, its disc half inside.
    ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="health_facility", location=Point(LON + 0.001, LAT, srid=4326)
    )
    edge = LON + 0.02  # the square's eastern edge
    ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="health_facility", location=Point(edge, LAT, srid=4326)
    )
    row = coverage(kind="health_facility", distance=500, municipality="6211")
    assert row["service_points"] == 3
    # Two 500 m discs 92.5 m apart (lens of 2 r² acos(d/2r) - d/2 sqrt(4r² - d²)) plus half a disc.
    r, d = 0.5, 0.092477
    lens = 2 * r**2 * np.arccos(d / (2 * r)) - d / 2 * np.sqrt(4 * r**2 - d**2)
    expected = DENSITY * (2 * np.pi * r**2 - lens + np.pi * r**2 / 2)
    assert row["covered_population"] == pytest.approx(expected, rel=0.01)


def test_every_municipality_or_only_the_planners(density, health_centre, planner_tozeur):
    every = coverage(kind="health_facility", distance=500)
    assert (every["code"], every["municipality"]) == (None, None)
    assert every["population"] == pytest.approx(DENSITY * km2("6211", "2111"), rel=0.005)
    mine = coverage(planner_tozeur, kind="health_facility", distance=500)
    assert mine["population"] == pytest.approx(DENSITY * km2("6211"), rel=0.005)
    with pytest.raises(BadAnalysisParameter, match="no municipality '2111' among yours"):
        coverage(planner_tozeur, kind="health_facility", distance=500, municipality="2111")


def test_people_per_cell_raster_is_the_default(density, health_centre, tmp_path):
    # One person per 0.001° cell over lon 8.10-8.16, lat 33.89-33.95; a cell is 92.477 m x 110.921 m here.
    path = write_raster(tmp_path / "people.tif", np.ones((60, 60)), west=LON - 0.03, north=LAT + 0.03, cell=0.001)
    import_raster(path, kind="population")
    row = coverage(kind="health_facility", distance=500, municipality="6211")
    assert row["raster"] == "people" and row["population"] == 1600  # 40 x 40 cells
    disc = np.pi * 500**2 * POLYGON_SHARE
    assert row["covered_population"] == pytest.approx(disc / (92.477 * 110.921), abs=1)  # 76
    assert coverage(kind="health_facility", distance=500, raster="density")["raster"] == "density"


def test_bad_raster_or_no_raster(tozeur, tmp_path):
    with pytest.raises(BadAnalysisParameter, match="No population raster"):
        coverage(kind="health_facility", distance=500)
    path = write_raster(tmp_path / "dem.tif", np.ones((3, 3)), west=LON - 0.15, north=LAT + 0.15, cell=0.1)
    import_raster(path, kind="elevation")
    with pytest.raises(BadAnalysisParameter, match="'dem' is a raster of elevation"):
        coverage(kind="health_facility", distance=500, raster="dem")
    with pytest.raises(BadAnalysisParameter, match="no raster named 'nowhere'"):
        coverage(kind="health_facility", distance=500, raster="nowhere")


def test_a_raster_lost_from_the_disk_is_said_so(density, health_centre):
    density.file.storage.delete(density.file.name)
    with pytest.raises(BadAnalysisParameter, match="is missing on the server"):
        coverage(kind="health_facility", distance=500)


def test_api_csv_geojson_and_command(density, health_centre, analyst_client, planner_client, capsys):
    url = "/api/analyses/coverage-raster/"
    query = {"kind": "health_facility", "distance": "500", "municipality": "6211"}
    (row,) = analyst_client.get(url, query).json()["rows"]
    assert row["covered_population"] == pytest.approx(783, abs=1) and row["geometry"]["type"] == "Polygon"
    (table,) = csv.DictReader(io.StringIO(analyst_client.get(url, {**query, "output": "csv"}).content.decode()))
    assert table["population"] == str(row["population"]) and "geometry" not in table
    (feature,) = analyst_client.get(url, {**query, "output": "geojson"}).json()["features"]
    assert feature["properties"]["code"] == "6211" and feature["geometry"]["type"] == "Polygon"
    refused = planner_client.get(url, {**query, "municipality": "2111"})
    assert refused.status_code == 400 and "among yours" in refused.json()["detail"]
    call_command("analyse", "coverage-raster", "--kind", "pharmacy", "--distance", "500", "--municipality", "2111")
    (printed,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert (printed["code"], printed["covered_population"]) == ("2111", "0")
    assert Municipality.objects.count() == 2
