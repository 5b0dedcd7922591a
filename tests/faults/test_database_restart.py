"""PostgreSQL stopped and restarted under a serving portal: 503 with Retry-After meanwhile, in each door's own
format and never a traceback; service back by itself, persistent connections included."""

import json

import pytest

from tests.faults.services import Portal, ScratchCluster

DOORS = [
    ("/", "text/html"),
    ("/ar/", "text/html"),
    ("/healthz", "application/json"),
    ("/m/", "text/html"),
    ("/basemap/12/2150/1620.pbf", "application/json"),  # a tile when it can, an error it can explain when not
    ("/open311/v2/services.json", "application/json"),
    ("/open311/v2/requests.json", "application/json"),
]


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    cluster = ScratchCluster()
    portal = Portal(cluster.url)
    try:
        with django_db_blocker.unblock():
            cluster.create()
        portal.start()
        yield cluster, portal
    finally:
        portal.stop()
        cluster.destroy()


def test_requests_during_an_outage_get_a_503_to_retry_and_service_returns_by_itself(served):
    cluster, portal = served
    before = {path: portal.get(path)[0] for path, _kind in DOORS}
    assert before["/"] == 200 and before["/healthz"] == 200 and before["/open311/v2/services.json"] == 200

    cluster.stop()
    for path, kind in DOORS:
        status, headers, body = portal.get(path)
        assert status == 503, (path, status, body[:300])
        assert int(headers["Retry-After"]) > 0 and headers["Content-Type"].startswith(kind), path
        assert "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body
        if kind == "application/json":
            answer = json.loads(body)
            description = answer[0]["description"] if path.startswith("/open311/") else answer["description"]
            assert "base de données" in description  # the default language, as every unprefixed path
    assert "قاعدة البيانات" in portal.get("/ar/")[2]

    cluster.start()
    portal.wait_until_ok("/healthz", seconds=30)  # back by itself, no restart of the portal
    assert portal.get("/")[0] == 200


def test_a_restart_between_requests_is_not_seen_at_all(served):
    cluster, portal = served
    assert portal.get("/")[0] == 200  # the worker now holds a persistent connection
    cluster.pg_ctl("restart", "-m", "fast", "-w")
    assert portal.get("/")[0] == 200  # checked before reuse (CONN_HEALTH_CHECKS), reconnected at once
    assert portal.get("/healthz")[0] == 200
