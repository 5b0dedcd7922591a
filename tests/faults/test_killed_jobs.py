"""A worker killed with SIGKILL in the middle of an import: nothing of it stored, the job failed with a reason on its
page (its lease died with the worker), and a re-run stores exactly what a clean run stores.

The worker is a process of its own (as a Celery worker is), on the suite's test database; the test holds a lock on
the layer's table, so that the worker is caught inside its load transaction, every row staged and the layer about
to be checked and written, when it is killed."""

import os
import signal
import subprocess
import sys
import time

import geopandas as gpd
import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from shapely.geometry import Point

from etl.models import ImportJob
from gisportal.paths import BASE_DIR
from layers.models import ServicePoint
from tests.conftest import TOZEUR_CENTRE

LAYER = ServicePoint._meta.db_table


def _dsn() -> dict[str, object]:
    db = settings.DATABASES["default"]
    return {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}


def _worker(job_id: int) -> subprocess.Popen[bytes]:
    """run_import_job in a process of its own, as a Celery worker runs it."""
    dsn = _dsn()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{dsn['user']}@{dsn['host']}:{dsn['port']}/{dsn['dbname']}",
        "DJANGO_SETTINGS_MODULE": "gisportal.settings",
    }
    code = f"import django; django.setup(); from etl.tasks import run_import_job; run_import_job({job_id}, 'fr')"
    return subprocess.Popen([sys.executable, "-c", code], cwd=BASE_DIR, env=env, stderr=subprocess.PIPE)


@pytest.fixture
def points() -> bytes:
    """400 service points in Tozeur, as a GeoJSON file."""
    lon, lat = TOZEUR_CENTRE
    frame = gpd.GeoDataFrame(
        {"kind": ["waste_container"] * 400, "name": [f"Conteneur n°{n}" for n in range(400)]},
        geometry=[Point(lon + (n % 20) * 0.0004, lat + (n // 20) * 0.0004) for n in range(400)],
        crs=4326,
    )
    return frame.to_json().encode()


@pytest.fixture
def jobs(transactional_db, planner_tozeur, tozeur, points):
    """Make import jobs of `points` (stored in the real private folder, which the worker process reads); their
    files are removed afterwards."""
    made: list[ImportJob] = []

    def make() -> ImportJob:
        job = ImportJob.objects.create(
            user=planner_tozeur,
            file=ContentFile(points, name="points.geojson"),
            original_name="points.geojson",
            layer="service-points",
            municipality=tozeur.municipality,
        )
        made.append(job)
        return job

    yield make
    for job in ImportJob.objects.filter(pk__in=[job.pk for job in made]):
        for stored in (job.file, job.report):
            if stored.name and stored.storage.exists(stored.name):
                stored.storage.delete(stored.name)


def _imported() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(name__startswith="Conteneur n°")


def _rows() -> list[tuple[str, str, tuple[float, float]]]:
    return sorted((p.name, p.kind, (round(p.location.x, 7), round(p.location.y, 7))) for p in _imported())


def test_a_killed_import_stores_nothing_fails_with_a_reason_and_a_rerun_matches_a_clean_run(
    client, jobs, planner_tozeur
):
    # A clean run first: what the file gives.
    clean = jobs()
    worker = _worker(clean.pk)
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode() if worker.stderr else ""
    clean.refresh_from_db()
    assert clean.status == "done" and clean.summary.startswith("400 lus, 400 importés"), (clean.summary, clean.error)
    expected = _rows()
    assert len(expected) == 400
    _imported().delete()
    history_before = ServicePoint.history.count()

    # The same file again, its worker killed while it writes the layer.
    killed = jobs()
    with psycopg.connect(**_dsn()) as blocker:
        blocker.execute(f"LOCK TABLE {LAYER} IN ACCESS EXCLUSIVE MODE")  # held until this block's end
        worker = _worker(killed.pk)
        waiting = []
        for _ in range(600):
            waiting = blocker.execute(
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [LAYER]
            ).fetchall()
            if waiting:
                break
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            time.sleep(0.1)
        assert waiting, "the worker never reached the layer's rows"
        backend = waiting[0][0]
        killed.refresh_from_db()
        assert killed.status == "running" and killed.done == killed.total == 400  # every row read and staged
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
        blocker.rollback()  # the lock goes; the dead worker's backend finds no client and rolls back
        for _ in range(300):
            alive = blocker.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]).fetchone()
            blocker.rollback()
            if not alive:
                break
            time.sleep(0.1)
        assert not alive, "the dead worker's backend is still there"

    assert not _imported().exists() and ServicePoint.history.count() == history_before  # nothing stored
    killed.refresh_from_db()
    assert killed.status == "running"  # as the dead worker left it, until someone looks

    client.force_login(planner_tozeur)
    with translation.override("fr"):
        page = client.get(reverse("etl:job", args=[killed.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Refus" in text and "le processus qui l’exécutait s’est arrêté" in text, text  # noqa: RUF001
    killed.refresh_from_db()
    assert killed.status == "failed" and killed.finished_at is not None and "processus" in killed.error
    with translation.override("fr"):
        status = client.get(reverse("etl:job", args=[killed.pk]), {"format": "json"}).json()
    assert status["status"] == "failed" and status["error"] == killed.error

    # The re-run: exactly what the clean run stored.
    rerun = jobs()
    worker = _worker(rerun.pk)
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode() if worker.stderr else ""
    rerun.refresh_from_db()
    assert rerun.status == "done" and rerun.summary == clean.summary
    assert _rows() == expected


def test_a_running_job_whose_worker_lives_is_left_running(client, jobs, planner_tozeur):
    """The lease is what tells a dead worker from a slow one: a job held by a live session is not failed."""
    job = jobs()
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    from gisportal.jobs import Lease

    with psycopg.connect(**_dsn(), autocommit=True) as holder:
        Lease(holder, ImportJob._meta.db_table, job.pk)
        client.force_login(planner_tozeur)
        assert client.get(reverse("etl:job", args=[job.pk]), {"format": "json"}).json()["status"] == "running"
    # The holder's session is gone: the next look fails it.
    assert client.get(reverse("etl:job", args=[job.pk]), {"format": "json"}).json()["status"] == "failed"
