"""The monthly budget execution is open data too: its table gets the data-version trigger of 0004."""

from importlib import import_module

from django.db import migrations

data_version = import_module("etl.migrations.0004_data_version")


class Migration(migrations.Migration):
    dependencies = [("etl", "0004_data_version"), ("scorecards", "0003_budgetexecution")]

    operations = [data_version.trigger("scorecards_budgetexecution")]
