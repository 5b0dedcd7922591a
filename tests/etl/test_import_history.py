"""An import is recorded once (no version per row): its record is the first version of what it inserted, and the
first edit of an imported feature keeps the imported state as a version, so every state stays restorable."""

from pathlib import Path

import geopandas as gpd
import shapely
from django.db import connection
from django.urls import reverse
from django.utils import translation
from shapely.geometry import Point

import etl.load
from etl.models import ImportRecord
from etl.pipeline import import_file
from layers.models import ServicePoint
from tests.etl.conftest import LAT, LON, write


def containers_file(
    tmp_path: Path, name: str, capacities: list[str], osm_ids: tuple[int, ...] = (101, 102, 103)
) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "osm_id": list(osm_ids),
            "kind": ["waste_container"] * len(osm_ids),
            "name": [f"Conteneur {n}" for n in osm_ids],
            "capacity": capacities,
        },
        geometry=[Point(LON + 0.001 * (n - 100), LAT) for n in osm_ids],
        crs=4326,
    )
    return write(frame, tmp_path / name)


def run(path: Path, tmp_path: Path, **options: object):
    return import_file(path, layer="service-points", report=tmp_path / "report.csv", **options)  # type: ignore[arg-type]


def imported_history():
    return ServicePoint.history.filter(osm_id__in=[101, 102, 103, 104])


def test_an_import_is_recorded_once_and_writes_no_version(tozeur, planner_tozeur, tmp_path):
    summary = run(containers_file(tmp_path, "conteneurs.geojson", ["660", "770", "1100"]), tmp_path,
                  user_id=planner_tozeur.pk)  # fmt: skip
    assert summary.imported == 3
    found = ImportRecord.objects.get(pk=summary.record_id)
    ids = sorted(ServicePoint.objects.filter(osm_id__gte=101).values_list("pk", flat=True))
    assert (found.user, found.file_name, found.layer, found.inserted_count, found.updated_count) == (
        planner_tozeur, "conteneurs.geojson", "service-points", 3, 0,
    )  # fmt: skip
    assert found.inserted == [(ids[0], ids[-1] + 1)]
    assert found.summary.startswith("3 read, 3 imported")
    assert not imported_history().exists()
    assert tozeur.container.history.count() == 1  # the fixture's container is untouched

    again = run(containers_file(tmp_path, "conteneurs.geojson", ["660", "770", "1100"]), tmp_path)
    assert (again.unchanged, ImportRecord.objects.get(pk=again.record_id).inserted) == (3, [])


def test_the_history_page_starts_with_the_import_and_the_first_edit_keeps_it(client, tozeur, planner_tozeur, tmp_path):
    summary = run(containers_file(tmp_path, "conteneurs.geojson", ["660", "770", "1100"]), tmp_path,
                  user_id=planner_tozeur.pk)  # fmt: skip
    east = ServicePoint.objects.get(osm_id=102)
    client.force_login(planner_tozeur)
    with translation.override("en"):
        page = client.get(reverse("admin:layers_servicepoint_history", args=[east.pk])).content.decode()
    assert "Imported from conteneurs.geojson by planner-tozeur on" in page

    east.capacity = 990
    east.save()
    east.capacity = 1500
    east.save()
    versions = list(east.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.capacity) for v in versions] == [("+", 770), ("~", 990), ("~", 1500)]
    imported = ImportRecord.objects.get(pk=summary.record_id)
    first = versions[0]
    assert (first.history_change_reason, first.history_user, first.history_date) == (
        "import conteneurs.geojson", planner_tozeur, imported.created_at,
    )  # fmt: skip
    first.instance.save()  # restoring the imported state
    east.refresh_from_db()
    assert east.capacity == 770


def test_an_update_keeps_the_state_it_replaced(client, tozeur, planner_tozeur, tmp_path):
    run(containers_file(tmp_path, "v1.geojson", ["660", "770", "1100"]), tmp_path, user_id=planner_tozeur.pk)
    updated = run(containers_file(tmp_path, "v2.geojson", ["660", "990", "1100"]), tmp_path, update_on=["osm_id"])
    assert (updated.imported, updated.updated, updated.unchanged) == (0, 1, 2)

    east = ServicePoint.objects.get(osm_id=102)
    assert east.capacity == 990
    second = ImportRecord.objects.get(pk=updated.record_id)
    (before,) = second.previous.all()
    assert (before.feature_id, before.state["capacity"], second.updated_count) == (east.pk, 770, 1)
    # v1's state, written by v1 and never a version, became one before v2 replaced it, dated and signed as v1.
    (version,) = east.history.all()
    assert (version.capacity, version.history_change_reason, version.history_user) == (
        770, "import v1.geojson", planner_tozeur,
    )  # fmt: skip

    client.force_login(planner_tozeur)
    with translation.override("fr"):
        page = client.get(reverse("admin:layers_servicepoint_history", args=[east.pk])).content.decode()
    assert page.index("Importé depuis v1.geojson") < page.index(
        "Mis à jour par l\u2019import de v2.geojson par la commande"
    )

    east.capacity = 1500
    east.save()
    assert list(east.history.order_by("history_date", "history_id").values_list("capacity", "history_type")) == [
        (770, "+"), (990, "+"), (1500, "~"),
    ]  # fmt: skip


def test_a_row_without_history_keeps_its_state_before_the_update(tozeur, tmp_path):
    # As if loaded before history was kept: no version, no import.
    ServicePoint.objects.bulk_create(
        [ServicePoint(osm_id=103, kind="waste_container", capacity=1100, municipality=tozeur.municipality,
                      location=f"SRID=4326;POINT({LON + 0.003} {LAT})")]
    )  # fmt: skip
    run(containers_file(tmp_path, "v2.geojson", ["1500"], osm_ids=(103,)), tmp_path, update_on=["osm_id"])
    south = ServicePoint.objects.get(osm_id=103)
    assert list(south.history.values_list("history_type", "capacity", "history_change_reason")) == [("+", 1100, None)]
    assert south.capacity == 1500


def test_a_bulk_load_keeps_its_indexes_and_the_history_untouched(tozeur, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.load, "BULK_ROWS", 2)
    table = ServicePoint.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        (indexes,) = cursor.fetchone()
    summary = run(containers_file(tmp_path, "bulk.geojson", ["660", "770", "1100"]), tmp_path)
    assert summary.imported == 3
    assert ImportRecord.objects.get(pk=summary.record_id).inserted_count == 3
    assert not imported_history().exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        assert cursor.fetchone() == (indexes,)


def test_a_routes_first_version_keeps_its_service_points(tozeur, tmp_path):
    route = tozeur.route
    route.history.all().delete()  # as if loaded before history was kept
    frame = gpd.GeoDataFrame(
        {
            "name": [route.name],
            "service_days": ["{1,3,5}"],
            "starts_at": ["06:00"],
            "ends_at": ["10:00"],
            "vehicle": ["Benne tasseuse 12 m³"],
        },
        geometry=[shapely.from_wkt(route.path.wkt)],
        crs=4326,
    )
    path = write(frame, tmp_path / "tournees.geojson")
    summary = import_file(
        path, layer="collection-routes", municipality="6211", update_on=["name"], report=tmp_path / "report.csv"
    )
    assert (summary.imported, summary.updated) == (0, 1)
    (before,) = route.history.all()
    assert (before.history_type, before.vehicle) == ("+", "")
    assert list(before.service_points.values_list("servicepoint", flat=True)) == [tozeur.container.pk]
    route.refresh_from_db()
    assert route.vehicle == "Benne tasseuse 12 m³"
