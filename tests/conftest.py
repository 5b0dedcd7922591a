"""Shared fixtures: a small known frame of two municipalities, their layers, and staff of each role.

The database is the project's real PostGIS (started by `make test`), never a mock.
"""

from dataclasses import dataclass
from datetime import time

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon

from gisportal.accounts.models import Role
from gisportal.accounts.services import create_staff
from layers.models import CollectionRoute, Complaint, District, Governorate, Municipality, ServicePoint

# The session's one Chromium and its guarded tabs, for every browser test.
pytest_plugins = ["tests.browser"]

TOZEUR_CENTRE = (8.13, 33.92)
BEJA_CENTRE = (9.18, 36.72)


def square(lon: float, lat: float, half: float = 0.02) -> MultiPolygon:
    """A square of side 2 * `half` degrees around a point (about 4 km in Tunisia for the default)."""
    ring = (
        (lon - half, lat - half),
        (lon + half, lat - half),
        (lon + half, lat + half),
        (lon - half, lat + half),
        (lon - half, lat - half),
    )
    return MultiPolygon(Polygon(ring, srid=4326), srid=4326)


@dataclass
class Town:
    """One municipality with one feature of every layer."""

    municipality: Municipality
    district: District
    container: ServicePoint
    route: CollectionRoute
    complaint: Complaint


def make_town(code: str, name: str, governorate: Governorate, lon: float, lat: float) -> Town:
    municipality = Municipality.objects.create(
        code=code,
        name_fr=name,
        name_ar=name,
        governorate=governorate,
        population=40_000,
        boundary=square(lon, lat),
    )
    district = District.objects.create(
        municipality=municipality,
        name=f"{name} centre",
        population=10_000,
        poverty_rate=20,
        unemployment_rate=15,
        water_access_rate=90,
        sanitation_access_rate=70,
        waste_collection_rate=80,
        boundary=square(lon, lat, half=0.01),
    )
    container = ServicePoint.objects.create(
        municipality=municipality,
        kind=ServicePoint.Kind.WASTE_CONTAINER,
        name=f"Conteneur {name}",
        capacity=660,
        location=Point(lon, lat, srid=4326),
    )
    route = CollectionRoute.objects.create(
        municipality=municipality,
        name=f"Tournée {name}",
        service_days=[1, 3, 5],
        starts_at=time(6),
        ends_at=time(10),
        path=MultiLineString(LineString((lon - 0.01, lat), (lon + 0.01, lat), srid=4326), srid=4326),
    )
    route.service_points.add(container)
    complaint = Complaint.objects.create(
        municipality=municipality,
        district=district,
        category=Complaint.Category.WASTE,
        description="Conteneur plein",
        reporter_contact="citizen@example.org",
        location=Point(lon + 0.001, lat + 0.001, srid=4326),
    )
    return Town(municipality, district, container, route, complaint)


@pytest.fixture
def tozeur(db) -> Town:
    governorate = Governorate.objects.create(
        code="62", name_fr="Tozeur", name_ar="توزر", boundary=square(*TOZEUR_CENTRE, 1)
    )
    return make_town("6211", "Tozeur", governorate, *TOZEUR_CENTRE)


@pytest.fixture
def beja(db) -> Town:
    governorate = Governorate.objects.create(
        code="21", name_fr="Béja", name_ar="باجة", boundary=square(*BEJA_CENTRE, 1)
    )
    return make_town("2111", "Béja", governorate, *BEJA_CENTRE)


def staff(username: str, role: Role, *codes: str) -> User:
    return create_staff(username=username, password="a-long-test-password", role=role, municipality_codes=codes)


@pytest.fixture
def planner_tozeur(tozeur: Town) -> User:
    return staff("planner-tozeur", Role.PLANNER, "6211")


@pytest.fixture
def analyst(db) -> User:
    return staff("analyst", Role.ANALYST)


@pytest.fixture
def administrator(db) -> User:
    return staff("admin", Role.ADMINISTRATOR)
