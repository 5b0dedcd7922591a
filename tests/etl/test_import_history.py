"""An import leaves a version of every row it wrote in the layer's history, and the version before it."""

from pathlib import Path

import geopandas as gpd
import shapely
from django.db import connection
from django.urls import reverse
from shapely.geometry import Point, box

import etl.load
from etl.pipeline import import_file
from layers.models import District, ServicePoint
from tests.etl.conftest import LAT, LON, write


def containers_file(tmp_path: Path, name: str, capacities: list[str]) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "osm_id": [101, 102, 103],
            "kind": ["waste_container"] * 3,
            "name": ["Conteneur Nord", "Conteneur Est", "Conteneur Sud"],
            "capacity": capacities,
        },
        geometry=[Point(LON + 0.001, LAT), Point(LON + 0.002, LAT), Point(LON + 0.003, LAT)],
        crs=4326,
    )
    return write(frame, tmp_path / name)


def run(path: Path, tmp_path: Path, **options: object):
    return import_file(path, layer="service_point", report=tmp_path / "report.csv", **options)  # type: ignore[arg-type]


def imported_history():
    return ServicePoint.history.filter(osm_id__in=[101, 102, 103])


def test_an_import_adds_one_version_per_row_and_none_when_run_again(tozeur, planner_tozeur, tmp_path):
    path = containers_file(tmp_path, "conteneurs.geojson", ["660", "770", "1100"])
    assert run(path, tmp_path, user_id=planner_tozeur.pk).imported == 3

    versions = imported_history()
    assert versions.count() == 3
    assert set(versions.values_list("history_type", "history_change_reason", "history_user")) == {
        ("+", "import conteneurs.geojson", planner_tozeur.pk)
    }
    assert sorted(versions.values_list("capacity", flat=True)) == [660, 770, 1100]
    # The container made by the fixture is not touched by the import: still its one version.
    assert tozeur.container.history.count() == 1

    again = run(path, tmp_path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    assert imported_history().count() == 3


def test_an_update_is_a_version_shown_in_the_admin_and_the_old_one_restores(client, tozeur, planner_tozeur, tmp_path):
    run(containers_file(tmp_path, "v1.geojson", ["660", "770", "1100"]), tmp_path)
    updated = run(containers_file(tmp_path, "v2.geojson", ["660", "990", "1100"]), tmp_path, update_on=["osm_id"])
    assert (updated.imported, updated.updated, updated.unchanged) == (0, 1, 2)

    east = ServicePoint.objects.get(osm_id=102)
    assert east.capacity == 990
    latest, before = east.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.history_type, latest.capacity, latest.history_change_reason) == ("~", 990, "import v2.geojson")
    assert latest.history_user is None  # the command: nobody logged in
    assert (before.history_type, before.capacity) == ("+", 770)
    assert latest.diff_against(before).changed_fields == ["capacity"]

    client.force_login(planner_tozeur)
    page = client.get(reverse("admin:layers_servicepoint_history", args=[east.pk]))
    assert page.status_code == 200
    assert "import v2.geojson" in page.content.decode()

    before.instance.save()
    east.refresh_from_db()
    assert east.capacity == 770
    assert east.history.count() == 3


def test_a_row_without_history_keeps_its_state_before_the_update(tozeur, tmp_path):
    run(containers_file(tmp_path, "v1.geojson", ["660", "770", "1100"]), tmp_path)
    # As if loaded before imports kept history.
    ServicePoint.history.filter(osm_id=103).delete()
    run(containers_file(tmp_path, "v2.geojson", ["660", "770", "1500"]), tmp_path, update_on=["osm_id"])

    south = ServicePoint.objects.get(osm_id=103)
    versions = list(south.history.order_by("history_date", "history_id").values_list("history_type", "capacity"))
    assert versions == [("+", 1100), ("~", 1500)]
    south.history.earliest().instance.save()
    south.refresh_from_db()
    assert south.capacity == 1100


def test_a_bulk_load_keeps_the_history_and_its_indexes(tozeur, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.load, "BULK_ROWS", 2)
    table = ServicePoint.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        (indexes,) = cursor.fetchone()
    assert run(containers_file(tmp_path, "bulk.geojson", ["660", "770", "1100"]), tmp_path).imported == 3

    assert sorted(imported_history().values_list("history_type", "capacity")) == [("+", 660), ("+", 770), ("+", 1100)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        assert cursor.fetchone() == (indexes,)


def test_a_district_version_leaves_out_its_excluded_score(tozeur, tmp_path):
    square = box(LON - 0.002, LAT - 0.002, LON - 0.001, LAT - 0.001)
    frame = gpd.GeoDataFrame({"name": ["Hay Ennakhil"]}, geometry=[square], crs=4326)
    path = write(frame, tmp_path / "quartiers.geojson")
    summary = import_file(path, layer="district", municipality="6211", report=tmp_path / "report.csv")
    assert summary.imported == 1

    version = District.history.get(name="Hay Ennakhil")
    assert (version.history_type, version.history_change_reason) == ("+", "import quartiers.geojson")
    assert "marginalisation_score" not in {f.name for f in District.history.model._meta.fields}


def test_a_routes_versions_keep_its_service_points(tozeur, tmp_path):
    route = tozeur.route
    route.history.all().delete()  # as if loaded before imports kept history
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
        path, layer="collection_route", municipality="6211", update_on=["name"], report=tmp_path / "report.csv"
    )
    assert (summary.imported, summary.updated) == (0, 1)

    before, after = route.history.order_by("history_date", "history_id")
    assert (before.history_type, before.vehicle, after.history_type, after.vehicle) == (
        "+",
        "",
        "~",
        "Benne tasseuse 12 m³",
    )
    assert list(before.service_points.values_list("servicepoint", flat=True)) == [tozeur.container.pk]
    assert list(after.service_points.values_list("servicepoint", flat=True)) == [tozeur.container.pk]
