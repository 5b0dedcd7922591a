"""The two scorecards' measures on the small hand-computed cases of conftest.py."""

import datetime

import pytest

from gisportal.scorecards import selectors
from tests.scorecards.conftest import NOW

pytestmark = pytest.mark.django_db


def test_scores_against_the_governorate_and_national_medians(evaluated):
    rows = selectors.performance(evaluated.tozeur.municipality.pk)
    by = {(r.year, r.code): r for r in rows}
    total = by[(2018, None)]
    assert (total.level, total.score, total.max_score) == ("total", 50, 100)
    assert (total.national_median, total.national_scored, total.governorate_median, total.governorate_scored) == (
        50, 3, 50, 2
    )  # fmt: skip
    assert (total.national_rank, total.governorate_rank) == (2, 1)  # after Béja's 60, tied with Degache
    governance = by[(2018, "10")]
    assert (governance.score, governance.national_median, governance.governorate_median) == (20, 20, 15)
    meetings = by[(2018, "10114")]
    assert (meetings.domain, meetings.subdomain, meetings.level) == ("10", "101", "criterion")
    assert (meetings.score, meetings.national_median, meetings.governorate_median) == (4, 3, 3)
    before = by[(2017, None)]
    assert (before.score, before.national_median, before.governorate_median, before.governorate_scored) == (
        40, 45, 40, 1
    )  # fmt: skip
    # The total first, each domain followed by its subdomain and criterion; oldest year first.
    assert [(r.year, r.code) for r in rows] == [
        (2017, None), (2017, "10"), (2017, "11"),
        (2018, None), (2018, "10"), (2018, "101"), (2018, "10114"), (2018, "11"),
    ]  # fmt: skip


def test_a_municipality_not_evaluated_has_the_medians_and_no_score(evaluated):
    rows = selectors.performance(evaluated.degache.municipality.pk)
    assert {r.score for r in rows if r.year == 2017} == {None}
    assert next(r for r in rows if (r.year, r.code) == (2017, None)).governorate_median == 40


def by_key(rows, breakdown, month=None, district=None, category=None):
    found = [
        r for r in rows
        if r.breakdown == breakdown and r.month == month and r.category == category
        and (district is None or r.district_id == district)
    ]  # fmt: skip
    assert len(found) == 1, found
    return found[0]


def test_the_service_scorecard_of_january_by_hand(served):
    rows = selectors.service(served.municipality.pk, now=NOW)
    january = by_key(rows, "month", month=datetime.date(2026, 1, 1))
    assert (january.reports, january.per_1000, january.due, january.in_target) == (6, 0.15, 5, 1)
    assert january.in_target_share == pytest.approx(20.0)
    assert (january.acknowledged, january.acknowledge_days) == (4, pytest.approx(1.0))
    assert (january.resolved, january.resolve_days) == (2, pytest.approx(2.25))
    assert (january.closed, january.reopen_rate) == (4, pytest.approx(25.0))
    assert (january.ended, january.without_fix_share) == (3, pytest.approx(100 / 3))
    assert (january.answers, january.satisfied_share) == (2, pytest.approx(50.0))


def test_months_in_tunis_time_and_targets_not_yet_over(served):
    rows = selectors.service(served.municipality.pk, now=NOW)
    february = by_key(rows, "month", month=datetime.date(2026, 2, 1))
    assert (february.reports, february.due, february.in_target, february.in_target_share) == (2, 1, 0, 0.0)
    assert (february.acknowledge_days, february.resolve_days, february.reopen_rate) == (None, None, None)
    whole = by_key(rows, "all")
    assert (whole.reports, whole.due, whole.in_target, whole.answers) == (8, 6, 1, 2)


def test_by_district_and_by_category(served):
    rows = selectors.service(served.municipality.pk, now=NOW)
    district = by_key(rows, "month_district", month=datetime.date(2026, 1, 1), district=served.district.pk)
    assert (district.district_name, district.reports, district.per_1000) == ("Tozeur centre", 5, 0.5)
    outside = [r for r in rows if r.breakdown == "district" and r.district_id is None]
    assert [r.reports for r in outside] == [1]  # C, outside every district
    waste = by_key(rows, "month_category", month=datetime.date(2026, 1, 1), category="waste")
    assert (waste.reports, waste.due, waste.in_target, waste.in_target_share) == (5, 4, 1, 25.0)
    # The whole period first, then its months; then each district, then each category.
    order = [r.breakdown for r in rows]
    assert order[:3] == ["all", "month", "month"] and order[-1] == "month_category"


def test_the_whole_period_first_then_each_district_by_name_then_each_category(served):
    from layers.models import District
    from tests.scorecards.conftest import report

    other = District.objects.create(
        municipality=served.municipality, name="Aïn", population=5_000, poverty_rate=10, unemployment_rate=10,
        water_access_rate=90, sanitation_access_rate=80, waste_collection_rate=90, boundary=served.district.boundary,
    )  # fmt: skip
    report(served, "lighting", datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC), district=other)
    rows = selectors.service(served.municipality.pk, now=NOW)
    keys = [(r.breakdown, r.district_name or r.district_id, r.category, r.month) for r in rows]
    jan, feb = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
    assert keys[:3] == [("all", None, None, None), ("month", None, None, jan), ("month", None, None, feb)]
    districts = [k[1] for k in keys if k[0] == "district"]
    assert districts == ["Aïn", "Tozeur centre", None]  # outside every district last
    assert [k[2] for k in keys if k[0] == "category"] == ["lighting", "roads", "waste"]
    assert keys[-1] == ("month_category", None, "waste", jan)


def test_a_municipality_s_own_charter_replaces_the_national_one(served):
    from gisportal.complaints.models import ServiceCategory

    ServiceCategory.objects.create(municipality=served.municipality, code="waste", target_days=5)
    rows = selectors.service(served.municipality.pk, now=NOW)
    january = by_key(rows, "month_category", month=datetime.date(2026, 1, 1), category="waste")
    assert (january.due, january.in_target) == (4, 2)  # B, resolved after 3 days, is now in target
    roads = by_key(rows, "month_category", month=datetime.date(2026, 1, 1), category="roads")
    assert (roads.reports, roads.due, roads.in_target_share) == (1, 0, None)  # roads not in its charter


def test_nothing_reported_gives_no_rows(tozeur):
    assert selectors.service(tozeur.municipality.pk, now=NOW) == []
