"""DATABASE_REPLICA_URL: the reads of safe requests go to a real streaming replica (a standby of a scratch cluster,
made with pg_basebackup); a client that wrote reads from the primary, even while the replica does not replay."""

import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connections
from django.test import Client

from gisportal import db as routing
from gisportal.db import RETRY_SECONDS
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.faults.services import Portal, ScratchCluster, ScratchReplica, open311_report

SEED = """
import importlib
import django
django.setup()
from django.apps import apps
from gisportal.complaints.models import ApiKey
from layers.models import Governorate
from tests.conftest import TOZEUR_CENTRE, make_town, square
for migration in ("0002_national_catalogue", "0006_question_languages"):
    importlib.import_module(f"gisportal.complaints.migrations.{migration}").seed(apps, None)
boundary = square(*TOZEUR_CENTRE, 1)
governorate = Governorate.objects.create(code="62", name_fr="Tozeur", name_ar="توزر", boundary=boundary)
make_town("6211", "Tozeur", governorate, *TOZEUR_CENTRE)
print(ApiKey.objects.create(name="replica test").key)
"""
VIEW = (
    f"/m/complaints.json?bbox={TOZEUR_LON - 0.05},{TOZEUR_LAT - 0.05},{TOZEUR_LON + 0.05},{TOZEUR_LAT + 0.05}&zoom=14"
)
# Doors whose reads the replica serves: citizen maps, basemap tiles, open data, the home page.
READ_DOORS = ["/", "/m/", "/m/6211/", "/m/6211/services/", "/basemap/12/2150/1620.pbf", "/open-data/", VIEW]


class Browser:
    """One client of the portal, with its own cookies."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, fields: dict[str, str] | None = None, **headers: str) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 - loopback
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def complaints_in_view(self) -> int:
        status, body = self.request(VIEW)
        assert status == 200, body[:300]
        return sum(feature["properties"].get("count", 1) for feature in json.loads(body)["features"])


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    primary = ScratchCluster()
    replica = ScratchReplica(primary=primary)
    portal = None
    try:
        with django_db_blocker.unblock():
            primary.create()
        seeded = subprocess.run(
            [sys.executable, "-c", SEED],
            env={**os.environ, "DATABASE_URL": primary.url, "DJANGO_SETTINGS_MODULE": "gisportal.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        replica.create()
        assert replica.query("SELECT pg_is_in_recovery()") == "t"
        portal = Portal(primary.url, env={"DATABASE_REPLICA_URL": replica.url, "GISPORTAL_REPLICA_PIN_SECONDS": "60"})
        portal.start()
        yield primary, replica, portal, seeded.stdout.strip()
    finally:
        if portal is not None:
            portal.stop()
        replica.destroy()
        primary.destroy()


def test_a_citizen_reads_her_own_report_while_the_replica_does_not_replay(served):
    _primary, replica, portal, key = served
    citizen, neighbour = Browser(portal.port), Browser(portal.port)
    for door in READ_DOORS:  # served from the replica
        status, body = neighbour.request(door)
        assert status in (200, 204), (door, status, body[:300], portal.log.read_text()[-2000:])  # 204: empty tile
    before = neighbour.complaints_in_view()

    replica.query("SELECT pg_wal_replay_pause()")
    try:
        status, body = citizen.request("/open311/v2/requests.json", open311_report(key, 1, "amel1@example.org"))
        assert status == 200, body[:300]
        tracking = json.loads(body)[0]["service_request_id"]
        assert routing.PIN_COOKIE in {cookie.name for cookie in citizen.cookies}
        # Her next reads, ORM and raw SQL alike, are the primary's: she sees her report at once.
        assert citizen.request(f"/open311/v2/requests/{tracking}.json")[0] == 200
        assert citizen.complaints_in_view() == before + 1
        # Anyone else reads the replica, which has not replayed it yet: the proof the reads go there.
        assert neighbour.request(f"/open311/v2/requests/{tracking}.json")[0] == 404
        assert neighbour.complaints_in_view() == before
        assert all(neighbour.request(door)[0] in (200, 204) for door in READ_DOORS)  # the lagging replica still serves
        # An API client without cookies (QGIS, an Open311 app): pinned by the credentials it sends.
        app = {"Authorization": "Token 0123456789abcdef"}
        second = open311_report(key, 2, "amel2@example.org")
        status, body = Browser(portal.port).request("/open311/v2/requests.json", second, **app)
        assert status == 200, body[:300]
        again = json.loads(body)[0]["service_request_id"]
        assert Browser(portal.port).request(f"/open311/v2/requests/{again}.json", **app)[0] == 200
        assert neighbour.request(f"/open311/v2/requests/{again}.json")[0] == 404
    finally:
        replica.query("SELECT pg_wal_replay_resume()")

    deadline = time.monotonic() + 30
    while neighbour.request(f"/open311/v2/requests/{again}.json")[0] != 200:  # the later of the two
        assert time.monotonic() < deadline, "the replica did not replay the report within 30 s"
        time.sleep(0.2)
    assert neighbour.complaints_in_view() == before + 2  # both reports, replayed
    assert routing.PIN_COOKIE not in {cookie.name for cookie in neighbour.cookies}  # readers are never pinned
    assert "Traceback" not in portal.log.read_text()


def test_a_replica_down_sends_the_reads_to_the_primary(served):
    _primary, replica, portal, _key = served
    reader = Browser(portal.port)
    replica.stop()
    try:
        for door in READ_DOORS:
            status, body = reader.request(door)
            assert status in (200, 204), (door, status, body[:300], portal.log.read_text()[-2000:])
        assert portal.log.read_text().count("Read replica unavailable") == 1  # said once per outage
    finally:
        replica.start()
    time.sleep(RETRY_SECONDS + 0.5)  # tried again after a few seconds
    assert reader.request("/m/6211/")[0] == 200
    log = portal.log.read_text()
    assert "Read replica is back" in log and "Traceback" not in log


@pytest.mark.django_db
def test_without_a_replica_nothing_changes(settings):
    assert set(settings.DATABASES) == {"default"}
    assert routing.reading_connection() is connections["default"]
    client = Client()
    assert routing.PIN_COOKIE not in client.get("/").cookies
    assert routing.PIN_COOKIE not in client.post("/open311/v2/requests.json", {}).cookies
