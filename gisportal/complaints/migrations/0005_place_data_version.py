"""The gazetteer's version moves with every change, as the public layers' do: the portal's basemap (maps/basemap.py)
writes its place names and caches its tiles under the versions of the tables it draws."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_reporter_key"),
        ("etl", "0004_data_version"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON complaints_place "
            "FOR EACH STATEMENT EXECUTE FUNCTION etl_data_changed()",
            "DROP TRIGGER data_version ON complaints_place",
        ),
    ]
