"""One set of rules for what a layer may store (layers.rules), whoever writes it: the models (the REST and OGC
APIs call full_clean), the admin's forms, the import pipeline, and the database's own CHECKs behind them."""

import csv
import math
from pathlib import Path

import geopandas as gpd
import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon as ShapelyPolygon

from etl.pipeline import import_file
from layers import services
from layers.models import RATES, Delegation, District, ServicePoint
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, Town, square
from tests.etl.conftest import write

LON, LAT = TOZEUR_CENTRE
NOT_NUMBERS = [math.nan, math.inf, -math.inf]
BOWTIE = MultiPolygon(Polygon(((LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01), (LON, LAT))))
BOWTIE.srid = 4326
# Beyond longitudes and latitudes, or not numbers at all: what a probe sent as [1e400, 1] and [500, 500].
BAD_POINTS = [Point(math.inf, 1, srid=4326), Point(500, 500, srid=4326), Point(LON, math.nan, srid=4326)]


def codes(error: pytest.ExceptionInfo[ValidationError], field: str) -> set[str | None]:
    return {e.code for e in error.value.error_dict[field]}


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("value", [*NOT_NUMBERS, 100.5, -1])
def test_a_district_rate_is_a_finite_percentage(tozeur: Town, rate: str, value: float) -> None:
    setattr(tozeur.district, rate, value)
    with pytest.raises(ValidationError) as refused:
        tozeur.district.full_clean()
    assert codes(refused, rate) <= {"not_finite", "out_of_range"}


def test_the_delegation_index_and_distances_are_finite(tozeur: Town) -> None:
    delegation = Delegation(
        code="621100",
        name_fr="Tozeur",
        name_ar="توزر",
        governorate=tozeur.municipality.governorate,
        development_index_2011=1.5,
        distance_to_tunis_km=math.inf,
        boundary=square(LON, LAT),
    )
    with pytest.raises(ValidationError) as refused:
        delegation.full_clean()
    assert set(refused.value.error_dict) == {"development_index_2011", "distance_to_tunis_km"}


@pytest.mark.parametrize("location", BAD_POINTS, ids=["infinite", "beyond-500", "nan"])
def test_a_point_is_a_longitude_and_a_latitude(tozeur: Town, location: Point) -> None:
    tozeur.container.location = location
    with pytest.raises(ValidationError) as refused:
        tozeur.container.full_clean()
    assert codes(refused, "location") == {"out_of_range"}


def test_empty_and_self_intersecting_geometries_are_refused(tozeur: Town) -> None:
    tozeur.district.boundary = BOWTIE
    with pytest.raises(ValidationError, match="Self-intersection") as refused:
        tozeur.district.full_clean()
    assert codes(refused, "boundary") == {"invalid"}
    tozeur.district.boundary = MultiPolygon(srid=4326)
    with pytest.raises(ValidationError) as refused:
        tozeur.district.full_clean()
    assert codes(refused, "boundary") == {"empty"}


def test_a_feature_lies_in_its_municipality(tozeur: Town, beja: Town) -> None:
    tozeur.container.location = Point(*BEJA_CENTRE, srid=4326)
    tozeur.route.path = beja.route.path
    tozeur.district.boundary = beja.district.boundary
    for feature, field in ((tozeur.container, "location"), (tozeur.route, "path"), (tozeur.district, "boundary")):
        with pytest.raises(ValidationError) as refused:
            feature.full_clean()
        assert codes(refused, field) == {"outside_municipality"}
    tozeur.container.location = Point(LON + 0.005, LAT, srid=4326)
    tozeur.container.full_clean()  # inside: accepted


def test_an_openstreetmap_node_is_one_service_point(tozeur: Town, beja: Town) -> None:
    """Unique where given: two containers planned without a node are fine, a node given twice is refused."""
    tozeur.container.osm_id = 42
    tozeur.container.save()
    beja.container.full_clean()  # no node: no clash with another container without one
    beja.container.osm_id = 42
    with pytest.raises(ValidationError, match="Un autre point de service correspond déjà à ce nœud OpenStreetMap"):
        beja.container.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        beja.container.save()


@pytest.mark.parametrize("location", BAD_POINTS, ids=["infinite", "beyond-500", "nan"])
def test_a_complaint_is_refused_before_it_is_routed(tozeur: Town, location: Point) -> None:
    with pytest.raises(ValidationError) as refused:
        services.report_complaint(location=location, category="waste", description="Conteneur plein")
    assert codes(refused, "location") == {"out_of_range"}


def test_the_database_refuses_nan_and_rates_beyond_100(tozeur: Town) -> None:
    """Behind the rules, for a writer that skips them (SQL, a bulk load): the readers never meet a NaN."""
    for value in (math.nan, 150.0, math.inf):
        with pytest.raises(IntegrityError), transaction.atomic():
            District.objects.filter(pk=tozeur.district.pk).update(poverty_rate=value)


# -- the admin's forms -----------------------------------------------------------------------------


def post_district(client, district: District, **changes: object):  # type: ignore[no-untyped-def]
    data = {
        "municipality": district.municipality_id,
        "name": district.name,
        "name_ar": "",
        "kind": district.kind,
        "population": district.population,
        **{rate: getattr(district, rate) for rate in RATES},
        "boundary": district.boundary.transform(3857, clone=True).geojson,  # as the map widget sends it
    } | changes
    return client.post(reverse("admin:layers_district_change", args=[district.pk]), data)


@pytest.mark.parametrize("value", ["NaN", "inf", "1e400", "150", "-0.5"])
def test_the_admin_refuses_a_rate_that_is_no_percentage(client, tozeur, planner_tozeur, value) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner_tozeur)
    response = post_district(client, tozeur.district, poverty_rate=value)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("poverty_rate")
    tozeur.district.refresh_from_db()
    assert tozeur.district.poverty_rate == 20


def test_the_admin_refuses_invalid_geometries_and_places_outside(client, tozeur, beja, planner_tozeur) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner_tozeur)
    for boundary, code in (
        (f"SRID=4326;{BOWTIE.wkt}", "invalid"),
        ("SRID=4326;MULTIPOLYGON (((500 500, 501 500, 501 501, 500 500)))", "out_of_range"),
        (beja.district.boundary.transform(3857, clone=True).geojson, "outside_municipality"),
    ):
        response = post_district(client, tozeur.district, boundary=boundary)
        assert response.status_code == 200
        assert response.context["adminform"].form.has_error("boundary", code=code), boundary
    tozeur.district.refresh_from_db()
    assert tozeur.district.boundary.equals(square(LON, LAT, half=0.01))


# -- imports ---------------------------------------------------------------------------------------


def reasons(report: Path) -> dict[str, str]:
    with report.open(encoding="utf-8") as handle:
        return {row["row"]: row["reason"] for row in csv.DictReader(handle)}


def test_an_import_refuses_what_the_models_refuse_with_a_reason(tozeur: Town, tmp_path: Path) -> None:
    names = ["ok", "nan", "infinite", "overflow", "above", "below"]
    rates = ["20", "NaN", "inf", "1e400", "150", "-1"]
    frame = gpd.GeoDataFrame(
        {"name": names, "poverty_rate": rates},
        geometry=[ShapelyPoint(LON, LAT).buffer(0.001 * (i + 1)) for i in range(len(names))],
        crs=4326,
    )
    path = write(frame, tmp_path / "districts.gpkg")
    summary = import_file(path, layer="districts", municipality="6211", report=tmp_path / "report.csv")

    assert (summary.imported, summary.rejected) == (1, 5)
    why = reasons(summary.report)  # type: ignore[arg-type]
    assert why["3"] == "poverty_rate 'inf' is not a number between 0 and 100"
    assert why["5"] == "poverty_rate '150' is not a number between 0 and 100"
    assert why["6"] == "poverty_rate '-1' is not a number between 0 and 100"
    assert "poverty_rate 'NaN'" in why["2"] and "poverty_rate '1e400'" in why["4"]
    # The same values through the model: refused by the same rule.
    for rate in rates[1:]:
        district = District(municipality=tozeur.municipality, name="x", boundary=square(LON, LAT, 0.001))
        district.poverty_rate = float(rate)
        with pytest.raises(ValidationError):
            district.full_clean()


def test_an_import_refuses_coordinates_beyond_longitudes_and_latitudes(tozeur: Town, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text(
        "kind,name,lon,lat\n"
        f"waste_container,good,{LON},{LAT}\n"
        "waste_container,far,500,500\n"
        "waste_container,overflow,1e400,1\n"
        f"waste_container,good too,{LON + 0.001},{LAT}\n",
        encoding="utf-8",
    )
    summary = import_file(path, layer="service-points", municipality="6211", report=tmp_path / "report.csv")

    assert (summary.imported, summary.rejected) == (2, 2)
    outside = "coordinates outside longitudes -180 to 180 and latitudes -90 to 90"
    assert reasons(summary.report) == {"2": outside, "3": outside}  # type: ignore[arg-type]
    assert ServicePoint.objects.filter(name__in=["far", "overflow"]).count() == 0


def test_an_import_refuses_shapes_beyond_longitudes_and_latitudes(tozeur: Town, tmp_path: Path) -> None:
    inside = [ShapelyPoint(LON, LAT).buffer(0.001 * size) for size in (1, 2, 3)]  # most of the file: no CRS error
    infinite = ShapelyPolygon([(LON, LAT), (LON + 0.001, LAT), (math.inf, LAT + 0.001), (LON, LAT)])
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b", "c", "far", "infinite"]},
        geometry=[*inside, ShapelyPoint(500, 500).buffer(0.001), infinite],
        crs=4326,
    )
    summary = import_file(write(frame, tmp_path / "districts.gpkg"), layer="districts", municipality="6211")

    assert (summary.imported, summary.rejected) == (3, 2)
    outside = "coordinates outside longitudes -180 to 180 and latitudes -90 to 90"
    assert reasons(summary.report) == {"4": outside, "5": outside}  # type: ignore[arg-type]


def test_an_import_repairs_a_self_intersecting_polygon_into_a_valid_one(tozeur: Town, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["Bowtie"]}, geometry=gpd.GeoSeries.from_wkt([BOWTIE.wkt]), crs=4326)
    summary = import_file(write(frame, tmp_path / "bowtie.gpkg"), layer="districts", municipality="6211")

    assert (summary.imported, summary.repaired) == (1, 1)
    District.objects.get(name="Bowtie").full_clean()  # what an import stores, the models accept
