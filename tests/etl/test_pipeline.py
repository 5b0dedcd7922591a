"""The import pipeline on small known files: counts, repair, reprojection, idempotence, all-or-nothing."""

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

import etl.load
from etl.pipeline import ImportFailed, import_file
from layers.models import District, ServicePoint
from tests.etl.conftest import LAT, LON, write


def run(path: Path, layer: str, tmp_path: Path, **options: object):
    return import_file(path, layer=layer, report=tmp_path / "report.csv", **options)  # type: ignore[arg-type]


def report_lines(tmp_path: Path) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "report.csv", dtype=str)


def test_points_land_in_their_municipality_and_rejects_are_reported(tozeur, containers, tmp_path):
    path = write(containers, tmp_path / "containers.geojson")
    before = ServicePoint.objects.count()
    summary = run(path, "service-points", tmp_path)
    assert (summary.read, summary.imported, summary.dropped, summary.rejected) == (6, 4, 1, 1)
    assert ServicePoint.objects.count() == before + 4
    assert ServicePoint.objects.get(name="Conteneur B").capacity == 1100  # "1 100" stored as text
    assert set(ServicePoint.objects.filter(name__startswith="Conteneur ").values_list("municipality", flat=True)) == {
        tozeur.municipality.pk
    }
    reasons = report_lines(tmp_path).set_index("row")["reason"]
    assert reasons["4"] == "exact duplicate of row 1"
    assert reasons["5"] == "outside every municipality"
    assert "read" in summary.line() and "6 read, 4 imported" in summary.line()


def test_same_file_twice_changes_nothing(tozeur, containers, tmp_path):
    path = write(containers, tmp_path / "containers.gpkg", layer="containers")
    run(path, "service-points", tmp_path)
    again = run(path, "service-points", tmp_path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 4)


def test_update_on_a_natural_key(tozeur, containers, tmp_path):
    containers["osm_id"] = range(1, 7)
    run(write(containers, tmp_path / "v1.geojson"), "service-points", tmp_path)
    containers.loc[0, "capacity"] = "1100"
    v2 = write(containers, tmp_path / "v2.geojson")
    refused = run(v2, "service-points", tmp_path)
    assert (refused.imported, refused.updated, refused.rejected) == (0, 0, 2)  # outside, and changed
    assert "use --update-on osm_id" in " ".join(report_lines(tmp_path)["reason"])
    updated = run(v2, "service-points", tmp_path, update_on=["osm_id"])
    assert (updated.imported, updated.updated, updated.unchanged) == (0, 1, 4)
    assert ServicePoint.objects.get(osm_id=1).capacity == 1100


def test_municipality_option_rejects_points_outside_it(tozeur, beja, containers, tmp_path):
    summary = run(write(containers, tmp_path / "c.geojson"), "service-points", tmp_path, municipality="2111")
    assert (summary.imported, summary.rejected) == (0, 6)
    assert set(report_lines(tmp_path)["reason"]) == {"outside the municipality"}


def test_dry_run_stores_nothing(tozeur, containers, tmp_path):
    before = ServicePoint.objects.count()
    summary = run(write(containers, tmp_path / "c.geojson"), "service-points", tmp_path, dry_run=True)
    assert summary.imported == 4 and summary.dry_run and "dry run" in summary.line()
    assert ServicePoint.objects.count() == before


def bowtie(lon: float, lat: float, d: float = 0.002) -> Polygon:
    return Polygon([(lon - d, lat - d), (lon + d, lat + d), (lon + d, lat - d), (lon - d, lat + d)])


def test_zipped_shapefile_in_utm_with_arabic_in_cp1256(tozeur, tmp_path):
    """Invalid polygons repaired, single parts promoted to multi, split parts dissolved, Persian letters fixed."""
    square = Polygon([(LON - 0.004, LAT - 0.004), (LON, LAT - 0.004), (LON, LAT), (LON - 0.004, LAT)])
    triangle = Polygon([(LON + 0.005, LAT + 0.005), (LON + 0.006, LAT + 0.005), (LON + 0.006, LAT + 0.006)])
    frame = gpd.GeoDataFrame(
        {
            "NOM": ["Hay Ennour", "Hay Ennour", "Chorfa"],
            "NOM_AR": ["حي الکرم", "حي الکرم", "الشـرفة"],
            "POP": ["1200", "1200", "3 400"],
        },
        geometry=[
            square,
            triangle,
            bowtie(LON + 0.008, LAT),
        ],
        crs=4326,
    ).to_crs(32632)
    folder = tmp_path / "shp"
    folder.mkdir()
    write(frame, folder / "quartiers.shp", encoding="cp1256")
    assert (folder / "quartiers.cpg").exists()
    archive = tmp_path / "quartiers.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in folder.iterdir():
            bundle.write(part, part.name)
    spec = tmp_path / "quartiers.toml"
    spec.write_text(
        'layer = "districts"\nkey = ["municipality", "name"]\ndissolve = true\n[fields]\n'
        'name = "NOM"\nname_ar = { source = "NOM_AR", transform = ["arabic"] }\npopulation = "POP"\n'
    )
    summary = run(archive, "districts", tmp_path, mapping=spec, municipality="6211")
    assert (summary.read, summary.imported, summary.repaired, summary.dissolved, summary.rejected) == (3, 2, 1, 1, 0)
    ennour = District.objects.get(name="Hay Ennour")
    assert ennour.name_ar == "حي الكرم" and ennour.boundary.num_geom == 2
    chorfa = District.objects.get(name="Chorfa")
    assert chorfa.name_ar == "الشرفة" and chorfa.population == 3400 and chorfa.boundary.valid
    assert chorfa.boundary.geom_type == "MultiPolygon" and chorfa.boundary.num_geom == 2  # the bow tie's two halves
    # Reprojected from UTM 32N back to the drawn coordinates, to a millionth of a metre or so.
    stored = shapely.from_wkb(bytes(ennour.boundary.wkb))
    assert shapely.hausdorff_distance(stored, MultiPolygon([square, triangle])) < 1e-9


def test_csv_with_longitude_and_latitude(tozeur, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(
        f"type,nom,lon,lat\npharmacy,Pharmacie,{LON},{LAT}\nschool,École,{LON + 0.001},{LAT}\n,Sans type,{LON},{LAT}\n"
    )
    spec = tmp_path / "points.toml"
    spec.write_text('layer = "service-points"\n[fields]\nkind = "type"\nname = "nom"\n')
    summary = run(path, "service-points", tmp_path, mapping=spec)
    assert (summary.imported, summary.rejected) == (2, 1)
    assert report_lines(tmp_path)["reason"].tolist() == ["kind is missing"]


def test_xlsx_with_wkt_needs_a_crs(tozeur, tmp_path):
    path = tmp_path / "routes.xlsx"
    frame = pd.DataFrame(
        {
            "name": ["Tournée nord"],
            "service_days": ["1,3,5"],
            "starts_at": ["06:00"],
            "ends_at": ["10:00"],
            "wkt": [f"LINESTRING({LON} {LAT}, {LON + 0.01} {LAT})"],
        }
    )
    pyogrio.write_dataframe(frame, path, driver="XLSX")
    with pytest.raises(ImportFailed, match=r"routes.xlsx: has no coordinate reference system"):
        run(path, "collection-routes", tmp_path)
    summary = run(path, "collection-routes", tmp_path, source_crs="4326")
    assert summary.imported == 1
    route = tozeur.municipality.collection_routes.get(name="Tournée nord")
    assert route.service_days == [1, 3, 5] and route.path.geom_type == "MultiLineString"


def test_geopackage_layer_choice(tozeur, containers, tmp_path):
    path = write(containers, tmp_path / "two.gpkg", layer="first")
    write(containers.iloc[:1], path, layer="second", append=False)
    with pytest.raises(
        ImportFailed, match=r"two.gpkg: holds several layers; choose one with --source-layer \(first, second\)"
    ):
        run(path, "service-points", tmp_path)
    assert run(path, "service-points", tmp_path, source_layer="second").imported == 1


def test_kml_and_kmz(tozeur, containers, tmp_path):
    kml = write(containers[["name", "geometry"]], tmp_path / "phone.kml", driver="KML")
    spec = tmp_path / "kml.toml"
    spec.write_text('layer = "service-points"\n[fields]\nname = "Name"\nkind = { default = "collection_point" }\n')
    assert run(kml, "service-points", tmp_path, mapping=spec, municipality="6211").imported == 4
    kmz = tmp_path / "phone.kmz"
    with zipfile.ZipFile(kmz, "w") as bundle:
        bundle.write(kml, "doc.kml")
    again = run(kmz, "service-points", tmp_path, mapping=spec, municipality="6211")
    assert (again.imported, again.unchanged) == (0, 4)


def test_arabic_shapefile_without_cpg_needs_its_encoding(tozeur, containers, tmp_path):
    """An old Windows-1256 shapefile without .cpg: --encoding cp1256 reads the Arabic names right."""
    containers["name"] = ["حاوية السوق"] * 6
    folder = tmp_path / "shp"
    folder.mkdir()
    write(containers, folder / "hawiyat.shp", encoding="cp1256")
    (folder / "hawiyat.cpg").unlink()
    summary = run(folder / "hawiyat.shp", "service-points", tmp_path, encoding="cp1256", municipality="6211")
    assert (summary.imported, summary.dropped, summary.rejected) == (4, 1, 1)
    assert ServicePoint.objects.filter(name="حاوية السوق").count() == 4


def test_an_import_leaves_the_layer_analysed_as_it_now_is(tozeur, tmp_path):
    """Statistics taken while the layer was empty said "no rows": the reads after an import would be planned for one
    row (the budget pages' nested loops ran for minutes). An import that passes autovacuum's threshold analyses."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE layers_servicepoint")  # as autovacuum may have, when it was all but empty
        lon, lat = LON, LAT
        frame = gpd.GeoDataFrame(
            {"kind": ["waste_container"] * 300, "name": [f"Conteneur {n}" for n in range(300)]},
            geometry=gpd.points_from_xy([lon + n * 1e-5 for n in range(300)], [lat] * 300),
            crs=4326,
        )
        run(write(frame, tmp_path / "many.geojson"), "service-points", tmp_path)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'layers_servicepoint'")
        assert cursor.fetchone()[0] >= 300


def test_rows_hash_alike_only_when_every_value_is_the_same():
    """The content hash behind "exact duplicate": each value after its length, so no two different rows join alike."""
    rows = [
        ("a\x1fb", "c"),
        ("a", "b\x1fc"),
        ("a\\", "sb"),
        ("a", "\\sb"),
        (None, "x"),
        ("", "x"),
        ("\\N", "x"),
        ("a", "b"),
        ("a", "b"),
    ]
    columns = [pa.array([row[i] for row in rows], pa.string()) for i in range(2)]
    hashes = list(etl.load._content_hash(columns))
    assert hashes[-1] == hashes[-2]
    assert len(set(hashes[:-1])) == len(rows) - 1
