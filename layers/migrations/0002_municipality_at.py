from django.db import migrations

# One definition of "which municipality is this point in", shared by the ORM, bulk imports and
# intake: where the (not topologically clean) boundaries overlap, the one it lies deepest inside.
MUNICIPALITY_AT = """
CREATE OR REPLACE FUNCTION municipality_at(point geometry) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT id FROM layers_municipality
    WHERE ST_Intersects(boundary, point)
    ORDER BY ST_Distance(ST_Boundary(boundary), point) DESC
    LIMIT 1
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("layers", "0001_initial")]

    operations = [
        migrations.RunSQL(MUNICIPALITY_AT, "DROP FUNCTION IF EXISTS municipality_at(geometry);"),
    ]
