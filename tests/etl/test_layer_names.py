"""One name per layer: the CLI, the ETL, the APIs, the tiles and the open data files say `service-points`; the
former `service_point` names (saved specs, scripts, bookmarks) still work and lead to the new ones."""

import importlib
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from etl.mapping import load_mapping
from etl.models import ImportJob, ImportRecord
from etl.open_data import PUBLIC
from etl.targets import FORMER_NAMES, TARGETS
from gisportal.api.collections import COLLECTIONS
from tests.etl.conftest import write


def test_every_api_collection_is_the_layer_of_the_same_name():
    for name, collection in COLLECTIONS.items():
        assert TARGETS[name].model is collection.model
    assert set(PUBLIC) <= set(TARGETS)
    assert set(FORMER_NAMES.values()) == set(TARGETS)


def test_the_command_takes_a_former_name_and_records_the_layers_name(tozeur, containers, tmp_path: Path, capsys):
    path = write(containers, tmp_path / "c.geojson")
    call_command("import", str(path), "--layer", "service_point", "--report", str(tmp_path / "r.csv"))
    assert "c.geojson → service-points: 6 read, 4 imported" in capsys.readouterr().out
    assert ImportRecord.objects.get().layer == "service-points"


def test_a_saved_spec_with_a_former_name_loads(tmp_path: Path):
    spec = tmp_path / "old.toml"
    spec.write_text('layer = "collection_route"\n[fields]\nname = { source = "nom" }\n', encoding="utf-8")
    assert load_mapping(spec).layer == "collection-routes"


def test_a_bookmarked_open_data_address_leads_to_the_new_one(client, tozeur):
    response = client.get("/ar/open-data/service_point.gpkg", {"municipality": "6211"})
    assert response.status_code == 301
    assert response["Location"] == "/ar/open-data/service-points.gpkg?municipality=6211"
    assert client.get(response["Location"]).status_code == 200


def test_the_migration_renames_stored_uploads_and_records(planner_tozeur):
    renaming = importlib.import_module("etl.migrations.0008_layer_names")
    job = ImportJob.objects.create(user=planner_tozeur, layer="service_point", file="imports/c.geojson")
    imported = ImportRecord.objects.create(layer="budget_line", table_name="scorecards_budgetline", file_name="b.csv")
    renaming.rename(apps, None, renaming.FORMER_NAMES)
    job.refresh_from_db()
    imported.refresh_from_db()
    assert (job.layer, imported.layer) == ("service-points", "budget-lines")
