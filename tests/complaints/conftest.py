import pytest
from django.core.cache import cache

from tests.conftest import TOZEUR_CENTRE

# A point inside the Tozeur fixture's district (the town is a 4 km square around its centre).
TOZEUR_LON, TOZEUR_LAT = TOZEUR_CENTRE[0] + 0.003, TOZEUR_CENTRE[1] + 0.002


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The rate limits live in the cache, which outlives each test's database transaction.
    cache.clear()
    yield
    cache.clear()
