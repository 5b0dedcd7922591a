"""Every citizen page reached by its links from the home page, in each language: nothing broken, nothing left
in English, always a way home. The frame: three municipalities with each participation app's own demo content."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from gisportal.consultations import demo as consultations_demo
from layers.models import District
from tests.conftest import Town, make_town, square
from tests.journeys.crawler import PageText, source_texts, walk

DEMOS = (
    "load_demo_budgets",
    "load_demo_petitions",
    "load_demo_council",
    "load_demo_consultations",
    "load_demo_score_cards",
    "load_demo_finances",
    "load_demo_scorecards",
)


@pytest.fixture
def demo_town(tozeur: Town, beja: Town, monkeypatch: pytest.MonkeyPatch) -> Town:
    # Every consultation in every state, with a few residents each rather than dozens: the pages, not the counts.
    few = tuple((*row[:-1], 8) for row in consultations_demo.CONSULTATIONS)
    monkeypatch.setattr(consultations_demo, "CONSULTATIONS", few)
    sousse = make_town("3111", "Sousse", beja.municipality.governorate, 10.6, 35.8)
    for town in (tozeur, beja, sousse):  # the budgets' demo gives two districts money of their own
        lon, lat = town.district.boundary.centroid.coords
        District.objects.create(
            municipality=town.municipality,
            name="Nord",
            name_ar="الشمال",
            population=5_000,
            poverty_rate=35,
            boundary=square(lon + 0.01, lat + 0.01, half=0.005),
        )
    for command in DEMOS:
        call_command(command, "--if-empty", stdout=io.StringIO())
    return tozeur


def test_every_page_a_visitor_can_reach(demo_town: Town) -> None:
    for language, home in [("ar", "/ar/"), ("fr", "/"), ("en", "/en/")]:
        visit = walk(Client(), home, language=language)
        assert len(visit.visited) > 100, language
        assert visit.errors == {}, visit.broken_links
        assert visit.untranslated == {}, language
        assert visit.without_way_home == [], language
        assert visit.without_way_to_municipality == [], language


def test_the_walk_sees_what_a_reader_sees() -> None:
    page = PageText()
    page.feed(
        '<p>Report a problem<span dir="auto">Report a problem</span></p><button lang="en">English</button>'
        '<input type="submit" value="Filter"><img alt="Open data"><script>var x = "Vote";</script>'
    )
    assert [" ".join(text.split()) for text in page.texts] == ["Report a problem", "Filter", "Open data"]
    assert {"Report a problem", "Open data"} <= source_texts("ar")
