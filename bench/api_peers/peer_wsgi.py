"""The ceiling: a framework-free WSGI function running one json_agg(ST_AsGeoJSON(...)) query per request.

Same rows (bbox, id order, limit), same properties and same planner setting as the portal's page query.

gunicorn --chdir bench/api_peers peer_wsgi:application     (DATABASE_URL set)
"""

import os
from urllib.parse import parse_qs

import psycopg

QUERY = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.location, 7)::json,
           'properties', json_build_object(
               'tracking_code', t.tracking_code, 'municipality_id', t.municipality_id, 'district_id', t.district_id,
               'category', t.category, 'description', t.description, 'status', t.status,
               'created_at', t.created_at, 'updated_at', t.updated_at)
       )), '[]'))::text
FROM (SELECT id, location, tracking_code, municipality_id, district_id, category, description, status,
             created_at, updated_at
      FROM layers_complaint
      WHERE ST_Intersects(location, ST_MakeEnvelope(%s, %s, %s, %s, 4326))
      ORDER BY id LIMIT %s) AS t
"""
_connection: psycopg.Connection | None = None


def application(environ, start_response):
    global _connection
    if _connection is None:  # one connection per worker process
        # No server-side prepared statements (Django does not prepare either): after 5 runs PostgreSQL may
        # switch to a generic plan that ignores the bbox's selectivity and sorts the whole box.
        url = os.environ["DATABASE_URL"].replace("postgis://", "postgresql://")
        _connection = psycopg.connect(url, autocommit=True, prepare_threshold=None)
        # As the portal does for a page: no parallel workers, no JIT.
        _connection.execute("SET max_parallel_workers_per_gather = 0")
        _connection.execute("SET jit = off")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    bbox = [float(n) for n in query["bbox"][0].split(",")]
    limit = int(query.get("limit", ["1000"])[0])
    body = _connection.execute(QUERY, (*bbox, limit)).fetchone()[0].encode()
    start_response("200 OK", [("Content-Type", "application/geo+json"), ("Content-Length", str(len(body)))])
    return [body]
