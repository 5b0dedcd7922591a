"""The national evaluation as loaded from its files (shared/data/real through the pipeline): the medians of the SQL
against the same medians computed here from the CSV, and a pilot's page on a phone's budget."""

import csv
import statistics
from collections import defaultdict

import pytest
from django.db import connection

from gisportal.scorecards import selectors
from layers.models import Municipality
from tests.finances.conftest import PERFORMANCE

pytestmark = pytest.mark.django_db


def totals_from_the_file() -> dict[tuple[str, int], float]:
    """Each municipality's total per year, the sum of its three domains (criteria 10, 11 and 12)."""
    totals: dict[tuple[str, int], float] = defaultdict(float)
    with (PERFORMANCE / "evaluations.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["criterion_id"] in {"10", "11", "12"}:
                totals[(row["municipality_id"], int(row["year"]))] += float(row["score"])
    return totals


def test_medians_match_the_file(real):
    loaded = set(Municipality.objects.values_list("code", flat=True))
    totals = {key: v for key, v in totals_from_the_file().items() if key[0] in loaded}
    tozeur = Municipality.objects.select_related("governorate").get(code="6211")
    peers = set(Municipality.objects.filter(governorate=tozeur.governorate).values_list("code", flat=True))
    rows = {(s.year, s.code): s for s in selectors.performance(tozeur.pk)}
    for year in (2017, 2018):
        national = [v for (code, y), v in totals.items() if y == year]
        governorate = [v for (code, y), v in totals.items() if y == year and code in peers]
        total = rows[(year, None)]
        assert total.national_scored == len(national)
        assert total.national_median == pytest.approx(statistics.median(national))
        assert total.governorate_median == pytest.approx(statistics.median(governorate))
        assert total.score == totals.get(("6211", year))
    assert rows[(2018, None)].national_scored == 272
    from gisportal.finances import selectors as finances

    tozeur_on_the_map = next(s for s in finances.standings("performance_score", 2018) if s.code == "6211")
    assert (rows[(2018, None)].national_rank, rows[(2018, None)].governorate_rank) == (
        tozeur_on_the_map.rank,
        tozeur_on_the_map.governorate_rank,
    )
    criteria = {s.code for s in selectors.performance(tozeur.pk) if s.year == 2018 and s.code}
    assert len(criteria) == 39


def test_every_pilot_s_page_in_a_few_queries_and_light(client, real, django_assert_max_num_queries):
    for code in ("6211", "2111", "3111", "2412"):
        with django_assert_max_num_queries(5):  # municipality, scores, service, and the request's savepoint pair
            page = client.get(f"/ar/scorecards/{code}/", HTTP_ACCEPT_ENCODING="gzip")
        assert page.status_code == 200 and len(page.content) < 150_000
        raw = client.get(f"/ar/scorecards/{code}/?year=2018")
        assert len(raw.content) < 150_000, (code, len(raw.content))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM scorecards_performancescore")
        assert cursor.fetchone()[0] == 20_904
