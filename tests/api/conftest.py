"""API fixtures: clients authenticated the way scripts are (an API token), on the two towns of tests/conftest.py."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from layers.models import Delegation

HOST = "127.0.0.1"


def token_client(user: User) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def anonymous_client() -> Client:
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def analyst_client(analyst: User) -> Client:
    return token_client(analyst)


@pytest.fixture
def planner_client(planner_tozeur: User) -> Client:
    return token_client(planner_tozeur)


@pytest.fixture
def delegations(tozeur, beja) -> list[Delegation]:
    """One census delegation per town, so that every layer has a feature in each town."""
    return [
        Delegation.objects.create(
            code=f"{town.municipality.governorate.code}11",
            name_fr=town.municipality.name_fr,
            name_ar=town.municipality.name_ar,
            governorate=town.municipality.governorate,
            population_2014=30_000,
            boundary=town.municipality.boundary,
        )
        for town in (tozeur, beja)
    ]
