"""Export → import gives the same layer, in every format; private fields never leave."""

import hashlib

import pyogrio
import pytest
from django.core.management import call_command
from django.db import connection

from etl.export import ExportFailed, export_layer
from etl.pipeline import import_file
from layers.models import CollectionRoute, District, ServicePoint

LAYERS = {"districts": District, "service-points": ServicePoint, "collection-routes": CollectionRoute}


def fingerprint(table: str, columns: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT string_agg(t::text, '|' ORDER BY t::text) FROM (SELECT {columns} FROM {table}) t")  # noqa: S608
        return hashlib.sha256(cursor.fetchone()[0].encode()).hexdigest()


# Attributes, and geometries to 0.1 mm in a canonical ring order (Shapefiles reorient rings).
COLUMNS = {
    "districts": "municipality_id, name, name_ar, kind, population, poverty_rate, is_priority, "
    "ST_AsText(ST_Normalize(ST_SnapToGrid(boundary, 1e-9)))",
    "service-points": "municipality_id, kind, name, status, capacity, opening_hours, osm_id, "
    "ST_AsText(ST_SnapToGrid(location, 1e-9))",
    "collection-routes": "municipality_id, name, service_days, frequency, starts_at, ends_at, vehicle, "
    "ST_AsText(ST_Normalize(ST_SnapToGrid(path, 1e-9)))",
}


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv", "shp"])
@pytest.mark.parametrize("layer", list(LAYERS))
def test_round_trip_is_lossless(tozeur, beja, tmp_path, layer, fmt):
    model = LAYERS[layer]
    if layer == "service-points":  # more than one of each, with an empty capacity and an OSM node
        ServicePoint.objects.create(
            municipality=tozeur.municipality,
            kind="pharmacy",
            name="صيدلية النخيل",
            osm_id=42,
            location=tozeur.container.location.clone(),
        )
    table = model._meta.db_table
    before = fingerprint(table, COLUMNS[layer])
    summary = export_layer(layer, fmt=fmt, path=tmp_path / f"{layer}.{fmt}")
    assert summary.features == model.objects.count()
    crs = {"source_crs": "4326"} if fmt == "csv" else {}  # a CSV of WKT declares no CRS
    again = import_file(summary.path, layer=layer, report=tmp_path / "r.csv", **crs)
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, summary.features, 0)
    if layer == "districts":  # complaints point at districts: detach them before the layer is emptied
        tozeur.complaint.__class__.objects.update(district=None)
    if layer == "service-points":
        CollectionRoute.service_points.through.objects.all().delete()
    model.objects.all().delete()
    restored = import_file(summary.path, layer=layer, report=tmp_path / "r.csv", **crs)
    assert restored.imported == summary.features
    assert fingerprint(table, COLUMNS[layer]) == before


def test_municipality_and_bbox_filters(tozeur, beja, tmp_path):
    only_beja = export_layer("service-points", fmt="gpkg", path=tmp_path / "b.gpkg", municipality="2111")
    assert only_beja.features == 1
    frame = pyogrio.read_dataframe(only_beja.path)
    assert frame["municipality"].tolist() == ["2111"]
    assert pyogrio.read_info(only_beja.path)["layer_metadata"] is None
    x, y = tozeur.container.location.coords
    boxed = export_layer(
        "service-points", fmt="geojson", path=tmp_path / "t.geojson", bbox=(x - 0.01, y - 0.01, x + 0.01, y + 0.01)
    )
    assert boxed.features == 1
    with pytest.raises(ExportFailed, match="nothing to export"):
        export_layer("service-points", fmt="csv", path=tmp_path / "n.csv", bbox=(0, 0, 1, 1))


def test_complaints_export_without_contact_details(tozeur, tmp_path):
    path = tmp_path / "complaints.geojson"
    call_command("export", "--layer", "complaints", "--format", "geojson", "--output", str(path), skip_checks=True)
    text = path.read_text()
    assert "citizen@example.org" not in text and "reporter" not in text
    assert tozeur.complaint.tracking_code in text


def test_geopackage_is_version_1_2(tozeur, tmp_path):
    path = export_layer("districts", fmt="gpkg", path=tmp_path / "d.gpkg").path
    with open(path, "rb") as handle:
        header = handle.read(72)  # SQLite header: user_version at 60, application_id at 68
    assert header[60:64] == (10200).to_bytes(4, "big") and header[68:72] == b"GPKG"


def test_open_data_download(client, tozeur, beja, tmp_path):
    response = client.get("/open-data/service-points.gpkg", {"municipality": "6211"})
    assert response.status_code == 200 and response["Content-Type"] == "application/geopackage+sqlite3"
    assert 'filename="service-points-6211.gpkg"' in response["Content-Disposition"]
    path = tmp_path / "download.gpkg"
    path.write_bytes(b"".join(response.streaming_content))
    assert pyogrio.read_dataframe(path)["municipality"].tolist() == ["6211"]
    assert client.get("/open-data/complaints.geojson").status_code == 404  # people's reports stay inside
    assert client.get("/open-data/districts.xlsx").status_code == 404
