"""Vector tiles: scoped, trimmed to the properties a map needs, counted at low zoom, cached until an edit."""

import json
import math
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import Point as ShapelyPoint

from etl.pipeline import import_file
from gisportal.api import tiles
from gisportal.api.collections import COLLECTIONS
from layers.models import Complaint
from tests.conftest import TOZEUR_CENTRE


@pytest.fixture(autouse=True)
def own_tile_cache(settings, tmp_path):
    settings.TILE_CACHE_DIR = str(tmp_path / "tile-cache")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def decode(data: bytes, z: int, x: int, y: int, folder: Path):
    """Reads a tile with GDAL's MVT driver (it finds z/x/y in the file's path)."""
    path = folder / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return pyogrio.read_dataframe(path)


def get_tile(client, layer: str, z: int, x: int, y: int, **headers):
    return client.get(f"/tiles/{layer}/{z}/{x}/{y}.pbf", **headers)


def test_a_tile_holds_the_features_with_only_the_map_properties(analyst_client, tozeur, beja, tmp_path):
    z, x, y = tile_of(*TOZEUR_CENTRE, 14)
    response = get_tile(analyst_client, "complaints", z, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    features = decode(response.content, z, x, y, tmp_path)
    assert len(features) == 1
    assert set(features.columns) - {"geometry", "mvt_id"} <= {"category", "status", "id"}
    assert features.loc[0, "category"] == "waste"
    longitude = math.degrees(features.geometry[0].x / 6_378_137)  # GDAL reads tiles in Web Mercator
    assert longitude == pytest.approx(TOZEUR_CENTRE[0] + 0.001, abs=1e-4)


def test_points_are_counted_on_a_grid_at_low_zoom(analyst_client, tozeur, tmp_path):
    for i in range(4):
        Complaint.objects.create(
            municipality=tozeur.municipality,
            category=Complaint.Category.ROADS,
            description="Nid-de-poule",
            location=Point(TOZEUR_CENTRE[0] + 0.0001 * i, TOZEUR_CENTRE[1], srid=4326),
        )
    z, x, y = tile_of(*TOZEUR_CENTRE, 8)
    cells = decode(get_tile(analyst_client, "complaints", z, x, y).content, z, x, y, tmp_path)
    assert list(cells["count"]) == [5]  # four new complaints and the fixture's, all in one grid cell


def test_planners_tiles_are_scoped(planner_client, tozeur, beja, tmp_path):
    lon, lat = 8.655, 35.32  # between the two towns: a zoom-6 tile holding both
    z, x, y = tile_of(lon, lat, 6)
    planner = decode(get_tile(planner_client, "service-points", z, x, y).content, z, x, y, tmp_path / "p")
    assert list(planner["count"]) == [1]


def test_outside_the_zoom_range_or_the_area_a_tile_is_empty(analyst_client, tozeur):
    assert get_tile(analyst_client, "districts", 3, 4, 3).status_code == 204  # districts start at zoom 9
    assert get_tile(analyst_client, "complaints", 14, 0, 0).status_code == 204
    assert get_tile(analyst_client, "complaints", 3, 8, 0).status_code == 404


def test_cached_tiles_skip_the_database_until_the_layer_is_edited(analyst_client, tozeur, tmp_path):
    z, x, y = tile_of(*TOZEUR_CENTRE, 14)
    first = get_tile(analyst_client, "complaints", z, x, y)
    assert first["Cache-Control"].startswith("private")
    with CaptureQueriesContext(connection) as queries:
        again = get_tile(analyst_client, "complaints", z, x, y)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not any("ST_AsMVT" in q["sql"] for q in queries.captured_queries)
    assert get_tile(analyst_client, "complaints", z, x, y, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    tozeur.complaint.status = Complaint.Status.RESOLVED
    tozeur.complaint.save()
    edited = get_tile(analyst_client, "complaints", z, x, y)
    assert edited["ETag"] != first["ETag"]
    assert decode(edited.content, z, x, y, tmp_path).loc[0, "status"] == "resolved"


def test_the_envelope_is_searched_on_the_layer_index(analyst, tozeur):
    sql, params = tiles.tile_sql(COLLECTIONS["complaints"], analyst, 14, *tile_of(*TOZEUR_CENTRE, 14)[1:])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a two-row table: make the planner show its index choice
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using layers_complaint_location" in plan
    assert "Sort" not in plan  # the model's default ordering is dropped: a tile has no order


def test_tilejson_describes_the_layer(analyst_client, tozeur):
    document = json.loads(analyst_client.get("/tiles/service-points.json").content)
    assert document["tiles"][0].endswith("/tiles/service-points/{z}/{x}/{y}.pbf")
    assert document["minzoom"] == 6
    assert set(document["vector_layers"][0]["fields"]) == {"kind", "name", "status", "count"}
    assert document["bounds"] == pytest.approx([*TOZEUR_CENTRE, *TOZEUR_CENTRE])


def test_an_import_drops_the_layers_cached_tiles(tozeur, tmp_path, django_capture_on_commit_callbacks):
    before = tiles.layer_version("service-points")
    frame = gpd.GeoDataFrame({"kind": ["waste_container"]}, geometry=[ShapelyPoint(*TOZEUR_CENTRE)], crs=4326)
    pyogrio.write_dataframe(frame, tmp_path / "containers.geojson")
    with django_capture_on_commit_callbacks(execute=True):
        import_file(tmp_path / "containers.geojson", layer="service-points", report=tmp_path / "report.csv")
    assert tiles.layer_version("service-points") != before
