"""The maps' own fixtures: a basemap cache per test, Tozeur's streets and its gazetteer places."""

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point

from etl.models import RoadSegment
from gisportal.complaints.models import Place
from tests.conftest import TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE


@pytest.fixture(autouse=True)
def own_basemap_cache(settings, tmp_path):
    settings.BASEMAP_CACHE_DIR = str(tmp_path / "basemap-cache")


def road(town: Town, osm_id: int, name: str, highway: str, *points: tuple[float, float]) -> RoadSegment:
    path = MultiLineString(LineString(*points, srid=4326), srid=4326)
    return RoadSegment.objects.create(
        municipality=town.municipality, osm_id=osm_id, name=name, highway=highway, path=path
    )


@pytest.fixture
def streets(tozeur: Town) -> list[RoadSegment]:
    """Two streets of Tozeur: an avenue through the centre, and a street 600 m north of the collection route."""
    return [
        road(tozeur, 10, "Avenue Habib Bourguiba", "primary", (LON - 0.012, LAT + 0.0005), (LON + 0.012, LAT + 0.0005)),
        road(tozeur, 11, "نهج الكرم", "residential", (LON - 0.006, LAT + 0.0055), (LON + 0.006, LAT + 0.0055)),
    ]


@pytest.fixture
def places(tozeur: Town) -> list[Place]:
    """Tozeur itself (its municipality's town) and a village of the oasis, as the gazetteer holds them."""
    return [
        Place.objects.create(
            geonameid=2464648,
            name="Tozeur",
            asciiname="Tozeur",
            name_ar="توزر",
            feature_code="PPLA",
            population=39_504,
            location=Point(LON + 0.001, LAT + 0.002, srid=4326),
        ),
        Place.objects.create(
            geonameid=2465000,
            name="Bled el Hader",
            asciiname="Bled el Hader",
            name_ar="بلد الحضر",
            feature_code="PPL",
            location=Point(LON - 0.008, LAT - 0.009, srid=4326),
        ),
    ]
