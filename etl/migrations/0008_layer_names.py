"""Uploads and import records name their layer as the API and the tiles do (service-points, not service_point)."""

from django.db import migrations

from etl.targets import FORMER_NAMES


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
