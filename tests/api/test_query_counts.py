"""How many SQL statements each list, tile and analysis endpoint may send: pinned, so a per-row query shows up."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gisportal.api import tiles
from tests.api.test_tiles import tile_of
from tests.conftest import TOZEUR_CENTRE


def statements(client, path: str, **query) -> list[str]:
    client.get(path, query)  # warm: the first request may load content types and the like
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code in {200, 204}, response.content
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize(
    "path",
    ["/ogc/collections/complaints/items", "/ogc/collections/districts/items", "/api/complaints/", "/api/districts/"],
)
def test_a_page_is_the_token_lookup_and_one_query(path, analyst_client, tozeur, beja):
    sent = statements(analyst_client, path, limit=1)
    # token with user and staff profile; planner settings for the page; the page itself
    assert len(sent) <= 3, sent
    assert sum("json_agg" in sql for sql in sent) == 1


def test_a_planners_page_adds_her_municipalities(planner_client, tozeur, beja):
    assert len(statements(planner_client, "/ogc/collections/complaints/items")) <= 4


def test_a_cached_tile_sends_only_the_token_lookup(analyst_client, tozeur, settings, tmp_path):
    settings.TILE_CACHE_DIR = str(tmp_path)
    tiles.clear_cache()
    z, x, y = tile_of(*TOZEUR_CENTRE, 14)
    sent = statements(analyst_client, f"/tiles/complaints/{z}/{x}/{y}.pbf")
    assert len(sent) == 1 and "authtoken_token" in sent[0]


def test_an_analysis_is_one_query(analyst_client, tozeur):
    sent = statements(analyst_client, "/api/analyses/routes-per-municipality/")
    assert len(sent) <= 2, sent  # the token (with the role) and the analysis


@pytest.mark.parametrize("path", ["/ogc/collections/complaints/items", "/api/complaints/"])
def test_a_page_read_opens_no_transaction(path, transactional_db, analyst_client, tozeur):
    """Outside a test's transaction, as in production: autocommit, and the page's planner settings end with it."""
    with CaptureQueriesContext(connection) as queries:
        response = analyst_client.get(path, {"limit": 1})
    assert response.status_code == 200 and json.loads(response.content)["numberReturned"] == 1
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("BEGIN", "SAVEPOINT"))]
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"
