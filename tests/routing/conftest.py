"""Tozeur's drawn streets (tests/routing/streets.py) with containers beside them and a depot."""

import pytest
from django.contrib.gis.geos import Point

from layers.models import ServicePoint
from tests.conftest import Town
from tests.routing import streets


@pytest.fixture
def tozeur_streets(tozeur: Town) -> Town:
    streets.draw(tozeur.municipality)
    for n, (lon, lat) in enumerate([streets.N, streets.S, streets.E, (8.1352, 33.9101)], start=1):
        ServicePoint.objects.create(
            municipality=tozeur.municipality,
            kind=ServicePoint.Kind.WASTE_CONTAINER,
            name=f"Conteneur {n}",
            capacity=1100 if n == 4 else 660,
            location=Point(lon, lat + 0.0002, srid=4326),
        )
    ServicePoint.objects.create(
        municipality=tozeur.municipality,
        kind=ServicePoint.Kind.TRANSFER_STATION,
        name="Dépôt",
        location=Point(8.1301, 33.9150, srid=4326),
    )
    return tozeur
