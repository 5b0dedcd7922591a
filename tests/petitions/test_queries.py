"""Lists, the map's GeoJSON and a petition's page take a fixed number of queries, however many petitions."""

import pytest
from django.contrib.gis.geos import Point

from gisportal.petitions import services
from gisportal.petitions.models import Petition, Threshold
from tests.conftest import TOZEUR_CENTRE, Town
from tests.petitions.conftest import citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(tozeur: Town, threshold: Threshold, planner_tozeur) -> list[Petition]:  # type: ignore[no-untyped-def]
    petitions = []
    for n in range(12):
        author = citizen(100 + n)
        place = Point(TOZEUR_CENTRE[0] + 0.0005 * n, TOZEUR_CENTRE[1], srid=4326)
        petition = services.draft_petition(
            municipality=tozeur.municipality, author=author, title=f"Pétition {n}", text="…", location=place
        )
        services.seek_co_promoters(petition=petition, author=author)
        petitions.append(petition)
    return petitions


@pytest.mark.parametrize(
    "url",
    ["/petitions/", "/petitions/6211/", "/petitions/6211/?state=co-promoters", "/petitions/6211/petitions.geojson"],
)
def test_lists_and_map_in_a_pinned_number_of_queries(client, many, url, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(6):  # session, municipality, districts of the filter, the list, its map
        response = client.get(url)
    assert response.status_code == 200 and "Pétition 11" in response.content.decode()


def test_a_petition_page_in_a_pinned_number_of_queries(client, many, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(6):
        assert client.get(f"/petitions/6211/{many[0].pk}/").status_code == 200


def test_open_data_csv_in_a_pinned_number_of_queries(client, many, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(4):  # no query per petition
        body = client.get("/petitions/6211/petitions.csv").content.decode()
    assert body.count("\n") == 13


def test_the_home_and_municipality_pages_show_what_is_open(client, many) -> None:  # type: ignore[no-untyped-def]
    home = client.get("/en/").content.decode()
    assert "Petition “Pétition 0”: looking for co-promoters" in home
    town = client.get("/en/m/6211/").content.decode()
    assert "/en/petitions/6211/" in town and "Petitions" in town
