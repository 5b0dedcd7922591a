"""A municipality's page gathers its participation spaces; the home page lists what is open now everywhere."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gisportal.budgeting.models import Budget, Phase
from tests.conftest import Town

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting_budget(tozeur: Town) -> Budget:
    budget = Budget.objects.create(municipality=tozeur.municipality, year=2031, title="Budget participatif 2031")
    today = timezone.localdate()
    Phase.objects.create(budget=budget, kind=Phase.Kind.VOTING, starts_on=today, ends_on=today + timedelta(days=9))
    return budget


def test_the_municipality_page_links_its_spaces_and_what_is_open(client, voting_budget):  # type: ignore[no-untyped-def]
    page = client.get("/en/m/6211/").content.decode()
    assert "Take part" in page
    assert 'href="/en/report/"' in page
    assert "/en/pb/6211/2031/vote/" in page and "Budget participatif 2031: vote" in page


def test_the_home_page_lists_what_is_open_across_municipalities(client, voting_budget):  # type: ignore[no-untyped-def]
    page = client.get("/en/").content.decode()
    assert "Open now in the municipalities" in page
    assert "Tozeur" in page and "/en/pb/6211/2031/vote/" in page


def test_nothing_open_nothing_listed(client, tozeur):  # type: ignore[no-untyped-def]
    assert "Open now in the municipalities" not in client.get("/en/").content.decode()


def test_the_spaces_speak_the_page_language(client, voting_budget):  # type: ignore[no-untyped-def]
    page = client.get("/ar/m/6211/").content.decode()
    assert "شارك" in page and "الميزانية التشاركية" in page and "Budget participatif 2031: صوّت" in page
    assert "مفتوح الآن في البلديات" in client.get("/ar/").content.decode()
