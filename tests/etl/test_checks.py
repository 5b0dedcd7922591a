"""The rules an import checks each row against (etl.checks), one by one on batches made for them."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pytest
import shapely
from django.db import connection
from django.utils import translation
from shapely.geometry import GeometryCollection, LineString, MultiPoint, Point, Polygon

import etl.load
from etl.checks import Checked, Checker
from etl.pipeline import import_file
from etl.targets import TARGETS
from layers.models import Municipality, ServicePoint
from tests.conftest import Town, square
from tests.etl.conftest import LAT, LON, write


def check(layer: str, geometries: list, municipality_id: int | None = None, **values: list) -> Checked:
    wkb = pa.array([None if g is None else shapely.to_wkb(g) for g in geometries], pa.binary())
    given = {name: pa.array(column, pa.string()) for name, column in values.items()}
    checker = Checker(TARGETS[layer], list(values), municipality_id)
    with translation.override("en"):
        return checker.check(wkb, given, np.full(len(geometries), None, dtype=object))


def stored(checked: Checked, row: int) -> shapely.Geometry:
    geometry = shapely.from_wkb(bytes.fromhex(checked.geometry[row].as_py()))
    assert shapely.get_srid(geometry) == 4326
    return geometry


def test_points_as_stored_and_the_reasons_to_refuse_them(tozeur: Town):
    inside = Point(LON + 0.001, LAT)
    checked = check(
        "service-points",
        [
            inside,
            Point(LON, LAT, 12.5),  # a GPS height: stored in 2D
            MultiPoint([inside]),  # a KML placemark's one point
            MultiPoint([inside, Point(LON, LAT)]),
            Point(),
            None,
            LineString([(LON, LAT), (LON + 0.001, LAT)]),
            Point(LON + 500, LAT),
            Point(LON + 3, LAT + 3),  # in the desert, outside every municipality
        ],
    )
    assert list(checked.reasons) == [
        None,
        None,
        None,
        "geometry empty after repair",
        "empty geometry",
        "empty geometry",
        "wrong geometry type LINESTRING",
        "coordinates outside longitudes -180 to 180 and latitudes -90 to 90",
        "outside every municipality",
    ]
    assert stored(checked, 0).equals(inside) and stored(checked, 2).equals(inside)
    assert not shapely.has_z(stored(checked, 1))
    assert checked.ids["municipality"].to_pylist()[:3] == [tozeur.municipality.pk] * 3


def test_plain_points_are_read_off_their_bytes_with_the_same_rules(tozeur: Town):
    """A batch of 2D points only (most files) skips GEOS: the same rows refused for the same reasons."""
    points = [Point(LON + 0.001, LAT), Point(), Point(LON + 500, LAT)]
    checked = check("service-points", points)
    assert list(checked.reasons) == [
        None,
        "empty geometry",
        "coordinates outside longitudes -180 to 180 and latitudes -90 to 90",
    ]
    assert stored(checked, 0).equals(points[0])
    # Two rows at one place share their shape key, whatever else they hold.
    shape = check("service-points", [points[0], points[0], Point(LON + 0.002, LAT)]).shape
    assert shape is not None and shape[0] == shape[1] != shape[2]


def test_a_municipality_given_by_code_is_checked_against_its_boundary(tozeur: Town, beja: Town):
    point = Point(LON + 0.001, LAT)
    checked = check("service-points", [point] * 4, municipality=["6211", "9999", "2111", None])
    assert list(checked.reasons) == [
        None,
        "unknown municipality 9999",
        "outside municipality 2111",
        "unknown municipality (empty)",
    ]
    assert checked.ids["municipality"].to_pylist() == [tozeur.municipality.pk, None, None, None]
    one = check("service-points", [point, Point(LON + 3, LAT)], municipality_id=tozeur.municipality.pk)
    assert list(one.reasons) == [None, "outside the municipality"]


def test_polygons_are_repaired_and_what_a_repair_leaves_of_another_kind_is_dropped(tozeur: Town):
    bow_tie = Polygon([(LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01), (LON, LAT)])
    flat = Polygon([(LON, LAT), (LON + 0.01, LAT + 0.01), (LON, LAT)])  # no area: a line once made valid
    square_plot = Polygon([(LON, LAT), (LON + 0.01, LAT), (LON + 0.01, LAT + 0.01), (LON, LAT + 0.01)])
    checked = check(
        "districts",
        [bow_tie, flat, square_plot, GeometryCollection([square_plot]), Point(LON, LAT)],
        name=["Nord", "Plat", "Sud", "Collection", "Point"],
    )
    assert list(checked.reasons) == [
        None,
        "geometry empty after repair",
        None,
        "wrong geometry type GEOMETRYCOLLECTION",
        "wrong geometry type POINT",
    ]
    assert list(checked.repaired) == [True, False, False, False, False]
    repaired = stored(checked, 0)
    assert repaired.geom_type == "MultiPolygon" and repaired.is_valid and len(repaired.geoms) == 2
    assert stored(checked, 2).geom_type == "MultiPolygon"  # promoted to multi


def test_unknown_codes_of_a_table_are_refused_with_their_value(tozeur: Town):
    checked = check("budget-lines", [None, None], municipality=["6211", "0000"])
    assert checked.ids["municipality"].to_pylist()[0] == tozeur.municipality.pk
    assert list(checked.reasons) == [None, "unknown municipality 0000"]


@pytest.mark.parametrize("bulk_rows", [2, 10**9], ids=["first load", "general path"])
def test_where_boundaries_overlap_the_point_goes_where_it_lies_deepest(
    tozeur: Town, tmp_path: Path, monkeypatch, bulk_rows: int
):
    monkeypatch.setattr(etl.load, "BULK_ROWS", bulk_rows)
    # A neighbour drawn over Tozeur's eastern edge (boundaries from different surveys overlap).
    neighbour = Municipality.objects.create(
        code="6212", name_fr="Voisine", name_ar="Voisine", governorate=tozeur.municipality.governorate,
        population=1_000, boundary=square(LON + 0.03, LAT),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")
    frame = gpd.GeoDataFrame(
        {"kind": ["waste_container"] * 3, "name": ["Ouest", "Recouvrement", "Est"]},
        # Tozeur alone; in both, nearer the neighbour's inside; the neighbour alone.
        geometry=[Point(LON - 0.01, LAT), Point(LON + 0.018, LAT), Point(LON + 0.04, LAT)],
        crs=4326,
    )
    summary = import_file(write(frame, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert summary.imported == 3
    where = dict(ServicePoint.objects.values_list("name", "municipality__code"))
    assert where == {"Ouest": "6211", "Recouvrement": "6212", "Est": "6212"}
    assert neighbour.service_points.count() == 2
