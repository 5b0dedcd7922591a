"""HTTP Basic (all QGIS 3.22 can send) is cheap after the first request, and no weaker than the password hash."""

import base64

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.conftest import HOST

PASSWORD = "a-long-test-password"  # tests/conftest.py's staff
ITEMS = "/ogc/collections/service-points/items?limit=1"


class CountingHasher(PBKDF2PasswordHasher):
    """Django's own hasher, counting how often a password is checked (the slow step Basic must not repeat)."""

    checks = 0

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.api.test_basic_auth.CountingHasher"]
    CountingHasher.checks = 0
    cache.clear()
    yield
    cache.clear()


def basic(username: str, password: str) -> Client:
    credential = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Basic {credential}")


@pytest.mark.parametrize("path", [ITEMS, "/api/service-points/?limit=1"])
def test_a_verified_password_is_hashed_once_then_remembered(path, analyst, tozeur):
    client = basic("analyst", PASSWORD)
    for _ in range(5):
        assert client.get(path).status_code == 200
    assert CountingHasher.checks == 1


def test_a_wrong_password_always_pays_the_hash_and_is_refused(analyst, tozeur):
    client = basic("analyst", "a-guess")
    for _ in range(3):
        assert client.get(ITEMS).status_code == 401
    assert CountingHasher.checks == 3
    # A remembered right password does not let a wrong one through.
    assert basic("analyst", PASSWORD).get(ITEMS).status_code == 200
    assert client.get(ITEMS).status_code == 401


def test_a_password_change_ends_the_remembered_credential_at_once(analyst, tozeur):
    assert basic("analyst", PASSWORD).get(ITEMS).status_code == 200
    analyst.set_password("another-long-password")
    analyst.save()
    assert basic("analyst", PASSWORD).get(ITEMS).status_code == 401
    assert basic("analyst", "another-long-password").get(ITEMS).status_code == 200


def test_a_deactivated_account_is_refused_at_once(analyst, tozeur):
    client = basic("analyst", PASSWORD)
    assert client.get(ITEMS).status_code == 200
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])
    assert client.get(ITEMS).status_code == 401
    assert client.get("/api/service-points/?limit=1").status_code == 401


def test_the_api_token_is_accepted_as_the_basic_password(analyst, planner_tozeur, tozeur):
    key = Token.objects.create(user=analyst).key
    assert basic("analyst", key).get(ITEMS).status_code == 200
    assert basic("analyst", key).get("/tiles/service-points.json").status_code == 200
    assert CountingHasher.checks == 0
    # Only under its own user's name: another name with this token is a wrong password.
    assert basic("planner-tozeur", key).get(ITEMS).status_code == 401
