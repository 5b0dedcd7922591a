"""A route optimisation's worker killed with SIGKILL while it runs: nothing of it stored, the run failed with a
reason on its page (its lease died with the worker), and a re-run proposes what a clean run proposes.

The worker is a process of its own; the test holds a lock on the road networks' table, so that the worker is caught
after its first stage, running, when it is killed."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.utils import translation

from gisportal.paths import BASE_DIR
from gisportal.routing import planning
from gisportal.routing.models import OptimisationRun, RoadNetwork
from layers.models import CollectionRoute
from tests.faults.services import suite_database_url
from tests.routing.conftest import tozeur_streets  # noqa: F401 - the fixture


def _dsn() -> dict[str, object]:
    db = settings.DATABASES["default"]
    return {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}


def _worker(run_id: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": suite_database_url(), "DJANGO_SETTINGS_MODULE": "gisportal.settings"}
    code = (
        "import django; django.setup(); from gisportal.routing.tasks import run_optimisation; "
        f"run_optimisation({run_id}, 'fr')"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=BASE_DIR, env=env, stderr=subprocess.PIPE)


@pytest.fixture
def request_run(transactional_db, tozeur_streets):  # noqa: F811
    def make() -> OptimisationRun:
        parameters = planning.Parameters.clean({"seconds": 1}, municipality=tozeur_streets.municipality)
        return OptimisationRun.objects.create(municipality=tozeur_streets.municipality, parameters=parameters.__dict__)

    return make


def _routes(run: OptimisationRun) -> list[list[object]]:
    return [[stop["id"] for stop in route["stops"]] for route in run.proposal["routes"]]


def test_a_killed_optimisation_stores_nothing_fails_with_a_reason_and_a_rerun_matches(
    client, request_run, planner_tozeur
):
    clean = request_run()
    worker = _worker(clean.pk)
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode() if worker.stderr else ""
    clean.refresh_from_db()
    assert clean.status == "done" and clean.proposal["routes"]
    routes_before = sorted(CollectionRoute.objects.values_list("pk", "name"))

    killed = request_run()
    table = RoadNetwork._meta.db_table
    with psycopg.connect(**_dsn()) as blocker:
        blocker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        worker = _worker(killed.pk)
        for _ in range(600):
            waiting = blocker.execute(
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table]
            ).fetchall()
            if waiting:
                break
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            time.sleep(0.1)
        assert waiting, "the worker never reached the street network"
        killed.refresh_from_db()
        assert killed.status == "running" and killed.done == 1
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
        blocker.rollback()

    killed.refresh_from_db()
    assert killed.status == "running" and not killed.proposal  # as the dead worker left it
    assert sorted(CollectionRoute.objects.values_list("pk", "name")) == routes_before

    client.force_login(planner_tozeur)
    with translation.override("fr"):
        page = client.get(f"/routes/runs/{killed.pk}/")
    assert page.status_code == 200
    assert "L’optimisation s’est interrompue avant la fin" in page.content.decode()  # noqa: RUF001
    killed.refresh_from_db()
    assert killed.status == "failed" and killed.finished_at is not None and not killed.proposal

    rerun = request_run()
    worker = _worker(rerun.pk)
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode() if worker.stderr else ""
    rerun.refresh_from_db()
    assert rerun.status == "done" and _routes(rerun) == _routes(clean)
    assert rerun.proposal["km"] == clean.proposal["km"] and rerun.summary == clean.summary
