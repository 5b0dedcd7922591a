"""Uploads and import records name their layer as the API and the tiles do (service-points, not service_point)."""

from django.db import migrations

# As etl.targets.FORMER_NAMES says it today (a migration keeps its own copy).
FORMER_NAMES = {
    "governorate": "governorates",
    "municipality": "municipalities",
    "delegation": "delegations",
    "district": "districts",
    "service_point": "service-points",
    "collection_route": "collection-routes",
    "complaint": "complaints",
    "road": "roads",
    "place": "places",
    "budget_line": "budget-lines",
    "budget_execution": "budget-executions",
    "legacy_municipality": "legacy-municipalities",
    "performance_criterion": "performance-criteria",
    "performance_score": "performance-scores",
}


def rename(apps, schema_editor, names: dict[str, str]) -> None:
    for model in ("ImportJob", "ImportRecord"):
        rows = apps.get_model("etl", model).objects
        for old, new in names.items():
            rows.filter(layer=old).update(layer=new)


class Migration(migrations.Migration):
    dependencies = [("etl", "0007_importrecord")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, editor, FORMER_NAMES),
            lambda apps, editor: rename(apps, editor, {new: old for old, new in FORMER_NAMES.items()}),
        )
    ]
