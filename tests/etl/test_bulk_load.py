"""Bulk mode (secondary indexes, foreign keys and unique constraints dropped for the load, rebuilt after it),
forced on a small file: the layer ends with the same indexes and constraints, and the unique key still holds."""

from pathlib import Path

import geopandas as gpd
import pytest
from django.db import IntegrityError, connection, transaction
from shapely.geometry import Point

import etl.load
from etl.models import ImportRecord
from etl.pipeline import import_file
from layers.models import Complaint, ServicePoint
from tests.etl.conftest import LAT, LON, write


def layer_shape() -> tuple[list[str], list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'layers_servicepoint' ORDER BY 1")
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'layers_servicepoint'::regclass ORDER BY 1"
        )
        return indexes, [row[0] for row in cursor.fetchall()]


def referring_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE confrelid = 'layers_servicepoint'::regclass ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def primary_key_index() -> int:
    """The primary key's index (a new object once it is rebuilt)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'layers_servicepoint_pkey'::regclass::oid")
        return cursor.fetchone()[0]


@pytest.fixture
def bulk(monkeypatch):
    monkeypatch.setattr(etl.load, "BULK_ROWS", 2)


def test_bulk_load_rebuilds_what_it_dropped(tozeur, containers, bulk, tmp_path: Path):
    before, primary_key = layer_shape(), primary_key_index()
    containers["osm_id"] = [11, 12, 13, 11, 15, 16]
    summary = import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    # Row 4 repeats row 1 entirely (dropped); row 5 lies outside every municipality.
    assert (summary.imported, summary.dropped, summary.rejected) == (4, 1, 1)
    assert layer_shape() == before
    assert list(ServicePoint.objects.exclude(osm_id=None).order_by("osm_id").values_list("osm_id", flat=True)) == [
        11,
        12,
        13,
        16,
    ]
    # Tozeur's container and the rows referring to it: the primary key was kept as it was.
    assert primary_key_index() == primary_key


def test_a_first_load_into_an_empty_layer_rebuilds_its_primary_key_too(tozeur, containers, bulk, tmp_path: Path):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' pending checks forbid a TRUNCATE
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")  # no service point, nothing referring to one
    before, referring, primary_key = layer_shape(), referring_keys(), primary_key_index()
    summary = import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert summary.imported == 4
    assert primary_key_index() != primary_key
    assert (layer_shape(), referring_keys()) == (before, referring)
    # The keys hold again: a complaint refers to an imported container, never to one that is not there.
    container = ServicePoint.objects.earliest("pk")
    complaint = Complaint.objects.create(
        municipality=tozeur.municipality, category=Complaint.Category.WASTE, service_point=container,
        description="Conteneur plein", location=container.location,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(service_point_id=container.pk + 1000)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_bulk_load_refuses_a_key_already_taken_elsewhere(tozeur, containers, bulk, tmp_path: Path):
    ServicePoint.objects.filter(pk=tozeur.container.pk).update(osm_id=12)
    containers["osm_id"] = [11, 12, 13, 14, 15, 16]
    # osm_id 12 is in the layer with other values: rejected, never a broken unique constraint.
    summary = import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (4, 2)
    assert ServicePoint.objects.filter(osm_id=12).count() == 1
    assert (
        "CREATE UNIQUE INDEX layers_servicepoint_osm_id_key ON public.layers_servicepoint USING btree (osm_id) "
        "WHERE (osm_id IS NOT NULL)"
    ) in layer_shape()[0]


def test_bulk_load_ids_leave_room_for_the_next_feature(tozeur, containers, bulk, tmp_path: Path):
    containers["osm_id"] = [11, 12, 13, 14, 15, 16]
    before = ServicePoint.objects.latest("pk").pk
    import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    imported = list(ServicePoint.objects.filter(pk__gt=before).order_by("pk").values_list("pk", "osm_id"))
    # One id reserved per file row: row 5 (outside every municipality) leaves its id unused.
    assert imported == [(before + n, 10 + n) for n in (1, 2, 3, 4, 6)]
    assert not ServicePoint.history.filter(id__gt=before).exists()  # the import's record is their first version
    record = ImportRecord.objects.get()
    assert record.inserted == [(before + 1, before + 5), (before + 6, before + 7)]
    planned = ServicePoint.objects.create(
        municipality=tozeur.municipality, kind="waste_container", location=tozeur.container.location
    )
    assert planned.pk == before + 7


@pytest.mark.parametrize("bulk_rows", [2, 10**9], ids=["first load", "row by row"])
def test_a_first_load_gives_what_the_general_path_gives(
    tozeur, containers, tmp_path: Path, monkeypatch, bulk_rows: int
):
    monkeypatch.setattr(etl.load, "BULK_ROWS", bulk_rows)
    first_loads = []
    load_straight = etl.load.Loader._load_straight

    def counted(*args):
        first_loads.append(args)
        return load_straight(*args)

    monkeypatch.setattr(etl.load.Loader, "_load_straight", counted)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")
    unique = containers.drop(index=3)  # no two rows alike: a first load takes its own path
    unique["osm_id"] = [" 21", "22", "23", "24", "25"]
    summary = import_file(write(unique, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    # The point in the desert is refused with its reason, in the report.
    assert len(first_loads) == (bulk_rows == 2)
    assert (
        summary.line() == "5 read, 4 imported, 0 updated, 0 unchanged, 0 repaired, 0 dissolved, 0 dropped, 1 rejected"
    )
    report = (tmp_path / "r.csv").read_text()
    assert "outside every municipality" in report and len(report.splitlines()) == 2
    rows = ServicePoint.objects.order_by("pk")
    assert list(rows.values_list("osm_id", "name", "capacity")) == [
        (21, "Conteneur A", 660),
        (22, "Conteneur B", 1100),
        (23, "Conteneur C", 770),
        (25, "Pharmacie", None),
    ]
    # The record holds the ids inserted, what its undo deletes (a first load leaves the refused row's id unused).
    inserted = {pk for low, high in ImportRecord.objects.get().inserted for pk in range(low, high)}
    assert inserted == set(rows.values_list("pk", flat=True))


def test_a_first_load_with_a_key_given_twice_rejects_the_second(tozeur, containers, bulk, tmp_path: Path):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")
    unique = containers.drop(index=3)
    unique["osm_id"] = ["21", "22", "21", "24", "25"]
    summary = import_file(write(unique, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (3, 2)
    assert "same osm_id as row 1" in (tmp_path / "r.csv").read_text()


def test_a_first_load_tells_rows_at_one_place_from_rows_alike(tozeur, containers, bulk, tmp_path: Path, monkeypatch):
    """Rows at one place are compared in full: two containers at one corner both go in, straight into the layer;
    a row given twice sends the load down the general path, which drops the second."""
    staged = []
    stage = etl.load.Loader._stage

    def counted(*args):
        staged.append(1)
        return stage(*args)

    monkeypatch.setattr(etl.load.Loader, "_stage", counted)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")
    corner = containers.drop(index=[3, 4])
    corner.loc[1, "geometry"] = corner.loc[0, "geometry"]  # B stands beside A
    summary = import_file(write(corner, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert (summary.imported, summary.dropped, staged) == (4, 0, [])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_servicepoint CASCADE")
    summary = import_file(write(containers, tmp_path / "d.geojson"), layer="service-points", report=tmp_path / "r.csv")
    assert (summary.imported, summary.dropped, summary.rejected, staged) == (4, 1, 1, [1])
    assert "exact duplicate of row 1" in (tmp_path / "r.csv").read_text()


def test_a_first_load_stamps_what_the_file_does_not_date(tozeur, bulk, tmp_path: Path):
    """Reports copied straight into an empty layer get the import's time where a model stamps its rows."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE layers_complaint CASCADE")
    reports = gpd.GeoDataFrame(
        {"category": ["waste", "lighting", "roads"], "description": ["Bac plein", "Lampadaire éteint", "Nid-de-poule"]},
        geometry=[Point(LON + 0.001 * n, LAT) for n in range(3)],
        crs=4326,
    )
    summary = import_file(write(reports, tmp_path / "r.geojson"), layer="complaints", report=tmp_path / "r.csv")
    assert summary.imported == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT tracking_code), min(created_at) = now(), max(updated_at) = now() "
            "FROM layers_complaint"
        )
        assert cursor.fetchone() == (3, True, True)
