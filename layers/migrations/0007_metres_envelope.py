from django.db import migrations

# Metric distance queries through the geometry GiST index (`geom && metres_envelope(point, metres)`, then the
# exact ST_DWithin on geography), so the point layers drop their second GiST, on `location::geography`, which
# took four times as long to build (PostGIS has no sorted build for geography) and slowed every intake.
# A box in degrees cannot wrap: across a pole or the antimeridian it takes every longitude (360° either side).
# Not STRICT (NULL in gives NULL anyway): PostgreSQL inlines a STRICT SQL function only if its body is strict,
# and CASE or GREATEST are not; inlined, the envelope costs nothing per row of a LATERAL join.
METRES_ENVELOPE = """
CREATE OR REPLACE FUNCTION metres_envelope(geom geometry, metres float8) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- A degree is >= 110,574 m of latitude, >= 111,319 m * cos(lat) of longitude up to the box's highest latitude.
RETURN ST_Expand(
    geom,
    CASE WHEN metres / (111319 * cos(radians(least(90, greatest(-ST_YMin(geom), ST_YMax(geom)) + metres / 110574))))
              <= least(180 + ST_XMin(geom), 180 - ST_XMax(geom))
         THEN metres / (111319 * cos(radians(least(90, greatest(-ST_YMin(geom), ST_YMax(geom)) + metres / 110574))))
         ELSE 360 END,
    metres / 110574
);
"""


class Migration(migrations.Migration):
    dependencies = [("layers", "0006_history_indexed_by_feature")]

    operations = [
        migrations.RemoveIndex(model_name="complaint", name="complaint_location_geog"),
        migrations.RemoveIndex(model_name="servicepoint", name="servicepoint_location_geog"),
        migrations.RunSQL(METRES_ENVELOPE, "DROP FUNCTION IF EXISTS metres_envelope(geometry, float8);"),
    ]
