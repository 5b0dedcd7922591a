"""Undoing an import: its inserted rows deleted and its updated rows restored in one transaction, refused (features
named, nothing changed) where one was edited since or is in use; staff who may edit every row it wrote only."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from etl.models import ImportJob, ImportRecord
from etl.undo import UndoRefused, may_undo, undo_import
from gisportal.accounts.models import Role
from layers.models import Complaint, ServicePoint
from tests.conftest import staff
from tests.etl.test_import_history import containers_file, run


def capacities() -> dict:
    return dict(ServicePoint.objects.filter(osm_id__gte=101).values_list("osm_id", "capacity"))


@pytest.fixture
def two_imports(tozeur, planner_tozeur, tmp_path):
    """v1 inserts 101 to 103; v2 changes 102 and inserts 104."""
    first = run(containers_file(tmp_path, "v1.geojson", ["660", "770", "1100"]), tmp_path, user_id=planner_tozeur.pk)
    second = run(
        containers_file(tmp_path, "v2.geojson", ["660", "990", "1100", "240"], osm_ids=(101, 102, 103, 104)),
        tmp_path, update_on=["osm_id"], user_id=planner_tozeur.pk,
    )  # fmt: skip
    assert (second.imported, second.updated) == (1, 1)
    return first.record_id, second.record_id


def test_undo_deletes_what_it_inserted_and_restores_what_it_updated(two_imports, capsys):
    first, second = two_imports
    call_command("undo_import", str(second))
    assert "undone: 1 deleted, 1 restored" in capsys.readouterr().out
    assert capacities() == {101: 660, 102: 770, 103: 1100}
    assert ImportRecord.objects.get(pk=second).undone_at is not None
    with pytest.raises(CommandError, match="already undone"):
        call_command("undo_import", str(second))
    # 102 is v1's again (v2's undo gave it back): v1 undoes too.
    assert undo_import(record_id=first, user=None).deleted == 3
    assert capacities() == {}


def test_undo_is_refused_where_a_row_was_edited_since_and_changes_nothing(two_imports):
    _, second = two_imports
    edited = ServicePoint.objects.get(osm_id=104)
    edited.name = "Conteneur du marché"
    edited.save()
    with pytest.raises(CommandError, match=rf"edited since the import: {edited.pk}$"):
        call_command("undo_import", str(second))
    assert capacities() == {101: 660, 102: 990, 103: 1100, 104: 240}
    assert ImportRecord.objects.get(pk=second).undone_at is None


def test_undo_is_refused_where_another_record_points_at_an_inserted_row(two_imports, tozeur):
    _, second = two_imports
    new = ServicePoint.objects.get(osm_id=104)
    Complaint.objects.filter(pk=tozeur.complaint.pk).update(service_point=new)  # no save: the point itself is untouched
    with pytest.raises(UndoRefused) as refused:
        undo_import(record_id=second, user=None)
    assert refused.value.feature_ids == [new.pk]
    # All or nothing: the update it would have restored first is still there.
    assert capacities() == {101: 660, 102: 990, 103: 1100, 104: 240}


def test_who_may_undo(two_imports, planner_tozeur, administrator, analyst, beja):
    record = ImportRecord.objects.get(pk=two_imports[1])
    planner_beja = staff("planner-beja-undo", Role.PLANNER, beja.municipality.code)
    assert [may_undo(record, u) for u in (planner_tozeur, administrator, analyst, planner_beja)] == [
        True, True, False, False,
    ]  # fmt: skip
    # A planner who manages one of the two towns only may not undo an import that also wrote the other's rows.
    ServicePoint.objects.filter(osm_id=104).update(municipality=beja.municipality)
    assert not may_undo(record, planner_tozeur)


def test_the_import_page_undoes_in_the_planners_language(client, tozeur, planner_tozeur, tmp_path):
    job = ImportJob.objects.create(user=planner_tozeur, layer="service-points", original_name="v1.geojson",
                                   status=ImportJob.Status.DONE)  # fmt: skip
    run(containers_file(tmp_path, "v1.geojson", ["660", "770", "1100"]), tmp_path, user_id=planner_tozeur.pk,
        job_id=job.pk)  # fmt: skip
    client.force_login(planner_tozeur)
    with translation.override("ar"):
        arabic = reverse("etl:job", args=[job.pk])
    with translation.override("en"):
        page, undo = reverse("etl:job", args=[job.pk]), reverse("etl:undo", args=[job.pk])
    assert "Undo this import" in client.get(page).content.decode()
    assert "التراجع عن هذا الاستيراد" in client.get(arabic).content.decode()

    edited = ServicePoint.objects.get(osm_id=101)
    edited.capacity = 1100
    edited.save()
    refused = client.post(undo)
    assert refused.status_code == 409
    assert reverse("admin:layers_servicepoint_change", args=[edited.pk]) in refused.content.decode()
    assert len(capacities()) == 3

    later = ImportJob.objects.create(user=planner_tozeur, layer="service-points", original_name="v2.geojson",
                                     status=ImportJob.Status.DONE)  # fmt: skip
    run(containers_file(tmp_path, "v2.geojson", ["240"], osm_ids=(104,)), tmp_path, user_id=planner_tozeur.pk,
        job_id=later.pk)  # fmt: skip
    with translation.override("en"):
        later_undo = reverse("etl:undo", args=[later.pk])
    done = client.post(later_undo)
    assert "Undone by planner-tozeur" in done.content.decode()
    assert sorted(capacities()) == [101, 102, 103]
    assert client.post(later_undo).status_code == 409  # already undone
