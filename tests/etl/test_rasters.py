"""Rasters: registration and coverage-weighted zonal statistics on small generated rasters with known sums."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from django.core.management import call_command
from django.core.management.base import CommandError

from etl.models import RasterLayer, ZonalStatistic
from etl.rasters import import_raster
from gisportal.paths import BASE_DIR
from tests.etl.conftest import LAT, LON

GPW = BASE_DIR / "fixtures" / "real" / "tn-population-raster-gpw" / "gpw_v4_popdens_2020_15min_tunisia.tif"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write_raster(path: Path, values: np.ndarray, *, west: float, north: float, cell: float, nodata: float = -1) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=Affine(cell, 0, west, 0, -cell, north),
        nodata=nodata,
    ) as dataset:
        dataset.write(values.astype("float32"), 1)
    return path


def statistic(raster: RasterLayer, zone: str, feature_id: int) -> ZonalStatistic:
    return ZonalStatistic.objects.get(raster=raster, zone=zone, feature_id=feature_id)


def test_people_per_cell_summed_over_municipality_district_and_catchment(tozeur, tmp_path):
    # 0.001° cells, one person each, over lon 8.10-8.16, lat 33.89-33.95 (the Tozeur square is 8.11-8.15).
    path = write_raster(tmp_path / "people.tif", np.ones((60, 60)), west=LON - 0.03, north=LAT + 0.03, cell=0.001)
    summary = import_raster(path, kind="population")
    raster = summary.raster
    assert (raster.width, raster.height, raster.crs, raster.nodata) == (60, 60, "EPSG:4326", -1)
    assert raster.resolution_x == pytest.approx(0.001) and Path(raster.file.path).exists()
    assert raster.footprint.extent == pytest.approx((LON - 0.03, LAT - 0.03, LON + 0.03, LAT + 0.03))
    assert statistic(raster, "municipality", tozeur.municipality.pk).total == pytest.approx(1600)  # 40 x 40 cells
    assert statistic(raster, "district", tozeur.district.pk).total == pytest.approx(400)  # 20 x 20 cells
    assert statistic(raster, "district", tozeur.district.pk).cells == pytest.approx(400)


def test_density_over_the_covered_area_and_partial_cells(tozeur, tmp_path):
    """1,000 persons per km² everywhere, on cells far bigger than the zones: coverage fractions do it all."""
    path = write_raster(tmp_path / "density.tif", np.full((3, 3), 1000.0), west=LON - 0.15, north=LAT + 0.15, cell=0.1)
    tozeur.container.kind = "health_facility"
    tozeur.container.save()
    raster = import_raster(path, kind="population_density").raster
    district = statistic(raster, "district", tozeur.district.pk)
    # The district is 0.02° x 0.02° at latitude 33.92: 2.2239 km x 1.8453 km ≈ 4.10 km².
    assert district.total == pytest.approx(4_104, rel=0.005)
    assert district.cells == pytest.approx(0.04, rel=0.01)  # 4 % of one 0.1° cell
    catchment = statistic(raster, "service_catchment", tozeur.container.pk)  # 1 km around the health centre
    assert catchment.total == pytest.approx(np.pi * 1000, rel=0.01)


def test_no_data_cells_do_not_count(tozeur, tmp_path):
    values = np.ones((60, 60))
    values[:, :30] = -1  # the western half of the window (lon < 8.13) has no data
    raster = import_raster(
        write_raster(tmp_path / "half.tif", values, west=LON - 0.03, north=LAT + 0.03, cell=0.001), kind="population"
    ).raster
    assert statistic(raster, "municipality", tozeur.municipality.pk).total == pytest.approx(800)


def test_the_real_gpw_raster(tozeur, beja):
    raster = import_raster(GPW, kind="population_density").raster
    assert (raster.width, raster.height, raster.kind) == (20, 32, "population_density")
    assert "CIESIN" in raster.source
    # Tozeur's and Béja's 0.04° test squares at their real places: population = density x area (~20 km²).
    for town in (tozeur, beja):
        stat = statistic(raster, "municipality", town.municipality.pk)
        assert 0 < stat.minimum <= stat.mean <= stat.maximum
        latitude = np.radians(town.municipality.boundary.centroid.y)
        area_km2 = (0.04 * 111.32 * np.cos(latitude)) * (0.04 * 110.9)
        assert stat.total == pytest.approx(stat.mean * area_km2, rel=0.02)
    assert (
        statistic(raster, "municipality", beja.municipality.pk).mean
        > statistic(raster, "municipality", tozeur.municipality.pk).mean
    )  # the north is denser than the oases


def test_command_refuses_a_file_that_is_not_a_raster(db, tmp_path):
    path = tmp_path / "notes.tif"
    path.write_text("not a raster")
    with pytest.raises(CommandError, match=r"raster refused, nothing stored: notes.tif: is not a raster GDAL can read"):
        call_command("import_raster", str(path), "--kind", "population", skip_checks=True)
    assert not RasterLayer.objects.exists()


def test_admin_lists_rasters_read_only(client, administrator, tozeur, tmp_path):
    path = write_raster(tmp_path / "people.tif", np.ones((60, 60)), west=LON - 0.03, north=LAT + 0.03, cell=0.001)
    import_raster(path, kind="population")
    client.force_login(administrator)
    page = client.get("/admin/etl/zonalstatistic/?zone=district")
    assert page.status_code == 200 and "400" in page.content.decode()
    assert client.get("/admin/etl/rasterlayer/add/").status_code == 403
