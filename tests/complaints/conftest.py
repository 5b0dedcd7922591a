import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from tests.conftest import TOZEUR_CENTRE

# A point inside the Tozeur fixture's district (the town is a 4 km square around its centre).
TOZEUR_LON, TOZEUR_LAT = TOZEUR_CENTRE[0] + 0.002, TOZEUR_CENTRE[1] + 0.0015


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The rate limits live in the cache, which outlives each test's database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def national_catalogue(request):
    """The national catalogue seeded by migration 0002: a transactional test elsewhere may have flushed it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if transactional or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    for migration in ("0002_national_catalogue", "0006_question_languages"):  # the questions, then their languages
        importlib.import_module(f"gisportal.complaints.migrations.{migration}").seed(apps, None)
