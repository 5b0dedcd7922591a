"""Redis stopped under a serving portal (REDIS_URL set: the cache, the rate limits and Celery's broker): pages and
APIs still serve, the rate limits fall back to a local rule (each process its share of them), a background job runs
inline — each said in the log."""

import importlib
import os
import subprocess
import sys
import time

import pytest
from django.apps import apps

from gisportal.complaints.models import ApiKey
from layers.models import Complaint
from tests.faults.services import Portal, Redis, open311_report, suite_database_url

PAGES = [
    "/",
    "/ar/",
    "/healthz",
    "/m/",
    "/m/6211/",
    "/report/",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
]


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def served(transactional_db, tozeur, redis):
    """The portal under gunicorn on the suite's test database (what this test writes, committed), with Redis."""
    for migration in ("0002_national_catalogue", "0006_question_languages"):  # flushed by transactional tests
        importlib.import_module(f"gisportal.complaints.migrations.{migration}").seed(apps, None)
    portal = Portal(suite_database_url(), env={"REDIS_URL": redis.url})
    try:
        portal.start()
        yield portal
    finally:
        portal.stop()


def test_pages_apis_and_rate_limits_without_redis(served, redis):
    portal = served
    key = ApiKey.objects.create(name="test app").key
    assert portal.post("/open311/v2/requests.json", open311_report(key, 0))[0] == 200  # counted in Redis
    assert all(portal.get(path)[0] == 200 for path in PAGES)

    redis.stop()
    for path in PAGES:
        status, _headers, body = portal.get(path)
        assert status == 200, (path, status, body[:300], portal.log.read_text()[-2000:])
    # The limit (10 reports an hour per contact) counted locally from zero: ten more pass, the eleventh does not.
    answers = [portal.post("/open311/v2/requests.json", open311_report(key, n))[0] for n in range(1, 12)]
    assert answers == [200] * 10 + [429], portal.log.read_text()[-2000:]
    assert Complaint.objects.filter(reporter_contact="amel@example.org").count() == 11
    log = portal.log.read_text()
    assert log.count("Redis unavailable") == 1 and "Traceback" not in log  # said once per outage, never a crash

    redis.start()  # on the same port: tried again after a few seconds, shared again
    time.sleep(5.5)
    assert portal.get("/open311/v2/services.json")[0] == 200
    assert portal.post("/open311/v2/requests.json", open311_report(key, 12))[0] == 200  # Redis's own count: 2 of 10
    assert "Redis is back" in portal.log.read_text()


@pytest.fixture
def served_as_one_of_five(transactional_db, tozeur, redis):
    """The same portal, declared one of five web processes (GISPORTAL_WEB_PROCESSES=5): a deployment's share."""
    for migration in ("0002_national_catalogue", "0006_question_languages"):
        importlib.import_module(f"gisportal.complaints.migrations.{migration}").seed(apps, None)
    portal = Portal(suite_database_url(), env={"REDIS_URL": redis.url, "GISPORTAL_WEB_PROCESSES": "5"})
    try:
        portal.start()
        yield portal
    finally:
        portal.stop()


def test_without_redis_each_process_allows_its_share_of_a_limit(served_as_one_of_five, redis):
    """Five processes counting alone from zero would let five times 10 reports an hour through: each allows 10 / 5."""
    portal = served_as_one_of_five
    key = ApiKey.objects.create(name="test app").key
    redis.stop()
    answers = [portal.post("/open311/v2/requests.json", open311_report(key, n))[0] for n in range(4)]
    assert answers == [200, 200, 429, 429], portal.log.read_text()[-2000:]
    assert Complaint.objects.filter(reporter_contact="amel@example.org").count() == 2
    assert "each of the 5 processes allows 1/5 of every rate limit" in portal.log.read_text()


DISPATCH = """
import django
django.setup()
from django.conf import settings
from gisportal import jobs
from gisportal.celery import app
from gisportal.complaints.tasks import send_update
settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
app.conf.update(task_always_eager=False, broker_url=BROKER)
jobs.dispatch(send_update, [("Votre signalement", "Pris en charge", "portal@example.org", ["a@example.org"])], "TZ-1")
"""


def test_a_background_job_runs_inline_when_the_broker_is_down(redis):
    """Celery on a Redis that is gone: the job is not lost, it runs here, and the log says so. In a process of its
    own, as a web worker is: the suite's own Celery app may hold state from earlier tests."""
    redis.stop()
    started = time.monotonic()
    ran = subprocess.run(
        [sys.executable, "-c", DISPATCH.replace("BROKER", repr(redis.url))],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "gisportal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert ran.returncode == 0, ran.stderr
    assert "Subject: Votre signalement" in ran.stdout  # the e-mail went out
    assert "broker unavailable" in ran.stderr and "runs inline" in ran.stderr
    assert elapsed < 60  # a short retry (and the process's start), not a request held for minutes
