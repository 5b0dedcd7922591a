import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Service messages read in English here, and no test inherits the language a page left active."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()
