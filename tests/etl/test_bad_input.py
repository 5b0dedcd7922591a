"""Bad files: a clear error naming the file and the problem, a non-zero exit, and nothing imported."""

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import LineString, box

from etl.pipeline import ImportFailed, import_file
from layers.models import ServicePoint
from tests.etl.conftest import LAT, LON, write


def refused(path: Path, message: str, layer: str = "service-points", **options: str | Path) -> None:
    """Refused by the pipeline and by the command (whose CommandError is a non-zero exit)."""
    before = ServicePoint.objects.count()
    with pytest.raises(ImportFailed, match=message):
        import_file(path, layer=layer, report=path.parent / "report.csv", **options)  # type: ignore[arg-type]
    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    with pytest.raises(CommandError, match="import refused, nothing stored: " + message):
        call_command("import", str(path), "--layer", layer, *arguments)
    assert ServicePoint.objects.count() == before


def shapefile_zip(containers: gpd.GeoDataFrame, tmp_path: Path, *, leave_out: str = "") -> Path:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    write(containers, folder / "points.shp")
    archive = tmp_path / "points.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in folder.iterdir():
            if part.suffix != leave_out:
                bundle.write(part, part.name)
    return archive


def test_truncated_zip(tozeur, containers, tmp_path):
    archive = shapefile_zip(containers, tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    refused(archive, r"points.zip: is not a complete zip archive \(truncated or corrupt")


def test_shapefile_without_dbf(tozeur, containers, tmp_path):
    refused(
        shapefile_zip(containers, tmp_path, leave_out=".dbf"),
        r"points.zip: the shapefile points.shp comes without its .dbf file",
    )


def test_shapefile_without_prj_needs_a_crs(tozeur, containers, tmp_path):
    archive = shapefile_zip(containers, tmp_path, leave_out=".prj")
    refused(archive, r"points.zip: has no coordinate reference system .* --source-crs")
    assert import_file(archive, layer="service-points", source_crs="4326", report=tmp_path / "r.csv").imported == 4


def test_geojson_that_is_not_json(tozeur, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", ')
    refused(path, r"broken.geojson: is not valid JSON")


def test_csv_with_text_in_the_coordinate_column(tozeur, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(f"kind,lon,lat\nschool,{LON},{LAT}\nschool,près du souk,{LAT}\n")
    refused(path, r"points.csv: column 'lon' holds text where a coordinate is expected \('près du souk', line 3\)")


def test_file_over_the_size_limit(tozeur, tmp_path):
    path = tmp_path / "huge.gpkg"
    with open(path, "wb") as handle:  # a sparse 2 GB file: no disk used
        handle.truncate(2 << 30)
    refused(path, r"huge.gpkg: is 2,048 MB, over the 1,024 MB import limit")


def test_zip_bomb(tozeur, tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle, bundle.open("points.geojson", "w") as member:
        for _ in range(64):
            member.write(b" " * (1 << 20))
    assert archive.stat().st_size < 1 << 20
    refused(archive, r"bomb.zip: expands to 64 MB \(.* times its size\): refused as a possible zip bomb")


def test_wrong_geometry_type(tozeur, tmp_path):
    lines = gpd.GeoDataFrame({"kind": ["school"]}, geometry=[LineString([(LON, LAT), (LON + 0.01, LAT)])], crs=4326)
    refused(
        write(lines, tmp_path / "lines.geojson"),
        r"lines.geojson: holds LineString geometries, but the service-points layer needs points",
    )


def test_unknown_mapping_field(tozeur, containers, tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text('layer = "service-points"\n[fields]\nkind = "type_of_thing"\n')
    refused(
        write(containers, tmp_path / "c.geojson"),
        r"bad.toml: field 'kind' comes from column 'type_of_thing'",
        mapping=spec,
    )


def test_rows_sharing_a_natural_key_keep_the_first(tozeur, containers, tmp_path):
    containers["osm_id"] = 7
    summary = import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert (summary.imported, summary.dropped, summary.rejected) == (1, 1, 4)
    assert "same osm_id as row 1" in (tmp_path / "r.csv").read_text()


def test_a_database_refusal_midway_leaves_nothing(tozeur, tmp_path):
    """Rows that pass the checks but break a constraint: the whole import is rolled back."""
    districts = gpd.GeoDataFrame(
        {"name": ["Centre", "Centre"], "population": ["10", "20"]},
        geometry=[box(LON, LAT, LON + 0.001, LAT + 0.001), box(LON + 0.002, LAT, LON + 0.003, LAT + 0.001)],
        crs=4326,
    )
    spec = tmp_path / "by-population.toml"
    spec.write_text('layer = "districts"\nkey = ["population"]\n[fields]\nname = "name"\npopulation = "population"\n')
    before = tozeur.municipality.districts.count()
    with pytest.raises(ImportFailed, match=r"c.geojson: the database refused the rows: duplicate key"):
        import_file(
            write(districts, tmp_path / "c.geojson"), layer="districts", mapping=spec, report=tmp_path / "r.csv"
        )
    assert tozeur.municipality.districts.count() == before
