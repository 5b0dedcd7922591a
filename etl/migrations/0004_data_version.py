"""A version per public table, moved by a statement trigger on the table: open data files are built once per
version, whoever changed the data (the admin, the API, an import, psql)."""

from django.db import migrations, models

# The tables published as open data (etl/open_data.py); a table published later gets its trigger in its own migration.
PUBLIC_TABLES = [
    "layers_governorate",
    "layers_municipality",
    "layers_delegation",
    "layers_district",
    "layers_servicepoint",
    "layers_collectionroute",
    "etl_roadsegment",
    "scorecards_budgetline",
    "scorecards_performancecriterion",
    "scorecards_performancescore",
]

FUNCTION = """
CREATE FUNCTION etl_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO etl_dataversion (table_name, version, changed_at) VALUES (TG_TABLE_NAME, 1, now())
    ON CONFLICT (table_name) DO UPDATE SET version = etl_dataversion.version + 1, changed_at = now();
    RETURN NULL;
END $$;
"""


def trigger(table: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE TRIGGER data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION etl_data_changed()",
        f"DROP TRIGGER data_version ON {table}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("etl", "0003_roadsegment"),
        ("layers", "0006_history_indexed_by_feature"),
        ("scorecards", "0002_legacymunicipality"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("table_name", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "data version"},
        ),
        migrations.RunSQL(FUNCTION, "DROP FUNCTION etl_data_changed()"),
        *(trigger(table) for table in PUBLIC_TABLES),
    ]
