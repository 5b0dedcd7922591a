"""Each figure on small cases computed by hand (see conftest.small), through the one selectors module."""

import pytest

from gisportal.finances import charts, nomenclature, selectors, services
from gisportal.finances.models import Function, LineTag
from gisportal.scorecards.models import BudgetLine
from tests.finances.conftest import third_town

pytestmark = pytest.mark.django_db


def test_facts_total_own_revenue_and_execution_to_the_latest_month(small):
    facts = {f.year: f for f in selectors.facts(small.tozeur.municipality.pk)}
    assert sorted(facts) == [2017, 2018]
    f = facts[2018]
    assert (f.revenue, f.expense, f.own_revenue) == (100_000_000, 100_000_000, 40_000_000)
    # Cumulative statements: March's, not January's plus March's.
    assert (f.expense_executed, f.expense_month) == (25_000_000, 3)
    assert (f.revenue_executed, f.revenue_month) == (None, None)
    assert f.score == 50  # the two domains; the criterion below them is not added again
    assert (facts[2017].expense, facts[2017].revenue, facts[2017].score) == (60_000_000, None, None)


def test_each_measure_with_ranks_nationally_and_in_the_governorate(small):
    third_town()  # Tozeur's governorate, no data at all
    by_code = {s.code: s for s in selectors.standings("budget_per_inhabitant", 2018)}
    assert by_code["6211"].value == pytest.approx(2.5) and by_code["2111"].value == pytest.approx(5.0)
    assert (by_code["2111"].rank, by_code["6211"].rank, by_code["6211"].ranked) == (1, 2, 2)
    assert (by_code["6211"].governorate_rank, by_code["6211"].governorate_ranked) == (1, 1)
    assert (by_code["6212"].value, by_code["6212"].rank) == (None, None)
    share = {s.code: s.value for s in selectors.standings("own_revenue_share", 2018)}
    assert share["6211"] == pytest.approx(40.0) and share["2111"] == pytest.approx(100.0)
    rate = {s.code: (s.value, s.month) for s in selectors.standings("execution_rate", 2018)}
    assert rate["6211"] == (pytest.approx(25.0), 3) and rate["2111"] == (None, None)
    score = selectors.standings("performance_score", 2018)
    assert [(s.code, s.value, s.rank) for s in score] == [("2111", 60, 1), ("6211", 50, 2), ("6212", None, None)]
    assert selectors.measure_years("budget_per_inhabitant") == [2018, 2017]
    assert selectors.measure_years("execution_rate") == [2018]
    assert selectors.standings("performance_score", 2016)[0].value is None


def test_equal_values_share_their_rank(small):
    BudgetLine.objects.filter(municipality=small.beja.municipality, kind="expense").update(amount=100_000_000)
    ranks = {s.code: s.rank for s in selectors.standings("budget_per_inhabitant", 2018)}
    assert ranks == {"6211": 1, "2111": 1}


def test_budget_rows_add_up_by_title_part_and_article(small):
    rows = selectors.budget_rows(small.tozeur.municipality.pk, 2018)
    revenue, expense = rows[0], next(r for r in rows if r.level == "kind" and r.kind == "expense")
    assert (revenue.kind, revenue.budgeted, revenue.previous) == ("revenue", 100_000_000, None)
    assert (expense.budgeted, expense.previous, expense.executed) == (100_000_000, 60_000_000, 25_000_000)
    assert expense.change == pytest.approx(100 * 40 / 60)
    totals = {(r.level, r.kind, r.title, r.part, r.article): r.budgeted for r in rows if r.level != "line"}
    assert totals[("title", "expense", "1", None, None)] == 80_000_000
    assert totals[("title", "expense", "2", None, None)] == 20_000_000
    assert totals[("part", "expense", "1", 1, None)] == 50_000_000
    assert totals[("part", "expense", "1", 2, None)] == 30_000_000
    assert totals[("part", "expense", "2", 6, None)] == 20_000_000
    # Revenue parts group categories: 01-04 tax revenue, 05-06 non-tax.
    assert totals[("part", "revenue", "1", 1, None)] == 40_000_000
    assert totals[("part", "revenue", "1", 2, None)] == 60_000_000
    upkeep = next(r for r in rows if r.level == "article" and r.article == "02202")
    assert (upkeep.budgeted, upkeep.previous, upkeep.executed, upkeep.change) == (30_000_000, 20_000_000, 5_000_000,
                                                                                   pytest.approx(50.0))  # fmt: skip
    assert upkeep.execution == pytest.approx(100 * 5 / 30)
    # Every total is followed by its pieces, in the nomenclature's order.
    order = [(r.level, r.kind, r.article, r.paragraph) for r in rows]
    assert order.index(("article", "expense", "02202", None)) < order.index(("line", "expense", "02202", "0030"))
    assert sum(r.budgeted or 0 for r in rows if r.level == "line" and r.kind == "expense") == 100_000_000


def test_expenses_by_function_from_the_rules_then_from_staff_tags(small):
    tozeur = small.tozeur.municipality
    shares = {f.function: f for f in selectors.by_function(tozeur.pk, 2018)}
    assert {k: v.budgeted for k, v in shares.items()} == {
        "staff": 50_000_000, "lighting": 20_000_000, "roads": 20_000_000, "waste": 10_000_000, None: 100_000_000,
    }  # fmt: skip
    assert shares["staff"].per_dinar == pytest.approx(500) and shares[None].per_dinar == pytest.approx(1000)
    assert shares["lighting"].per_inhabitant == pytest.approx(0.5)  # 20,000 DT / 40,000
    assert (shares["staff"].previous, shares["staff"].executed) == (40_000_000, 20_000_000)
    assert shares[None].gender_budgeted is None

    assert services.seed_default_tags(municipality=tozeur) == 4  # the lines of 2017 and 2018, once each
    assert services.seed_default_tags(municipality=tozeur) == 0
    tag = LineTag.objects.get(municipality=tozeur, article="06613")
    assert (tag.function, tag.from_rule, tag.history.count()) == ("roads", True, 1)
    services.tag_line(tag=tag, function=Function.SOCIAL, gender_sensitive=True, note="ramps to the women's centre")
    tag.refresh_from_db()
    assert (tag.function, tag.from_rule, tag.history.count()) == ("social", False, 2)
    shares = {f.function: f for f in selectors.by_function(tozeur.pk, 2018)}
    assert "roads" not in shares and shares["social"].budgeted == 20_000_000
    assert shares[None].gender_budgeted == 20_000_000 and shares["social"].gender_budgeted == 20_000_000
    line = next(r for r in selectors.budget_rows(tozeur.pk, 2018) if r.article == "06613" and r.level == "line")
    assert (line.function, line.gender_sensitive, line.from_rule) == ("social", True, False)


@pytest.mark.parametrize(
    ("key", "function"),
    [
        (("01101", "0001", "000"), Function.STAFF),
        (("01100", "0001", "000"), Function.ADMINISTRATION),
        (("02201", "0003", "000"), Function.LIGHTING),
        (("02201", "0036", "001"), Function.CULTURE),
        (("02201", "0036", "002"), Function.ADMINISTRATION),
        (("02202", "0032", "000"), Function.LIGHTING),
        (("03302", "0025", "000"), Function.HEALTH),
        (("03305", "0012", "000"), Function.YOUTH),
        (("06614", "0004", "000"), Function.WASTE),
        (("10950", "0001", "000"), Function.DEBT),
        (("09999", "0001", "000"), Function.OTHER),
    ],
)
def test_default_function_rules_in_python_and_sql_agree(key, function, small):
    assert nomenclature.default_function(*key) == function
    from django.db import connection

    key_sql = "SELECT %s AS article, %s AS paragraph, %s AS sub_paragraph"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {nomenclature.function_sql('l')} FROM ({key_sql}) l", list(key))  # noqa: S608
        assert cursor.fetchone()[0] == function.value


def test_quantile_classes_of_the_map():
    assert charts.breaks([]) == []
    assert charts.breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert charts.breaks([5, 5, 5]) == [5]
    bounds = charts.breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert [charts.class_of(v, bounds) for v in (1, 2, 3, 10, None)] == [0, 0, 1, 4, None]


def test_the_same_figures_under_the_analyst_api(client, small, analyst):
    client.force_login(analyst)
    rows = client.get("/api/analyses/budget-measures/?measure=own_revenue_share&year=2018").json()["rows"]
    share = {r["code"]: r["value"] for r in rows}
    assert share["6211"] == pytest.approx(40.0) and share["2111"] == pytest.approx(100.0)
    lines = client.get("/api/analyses/budget-lines/?municipality=6211&year=2018&output=csv")
    assert lines["Content-Type"].startswith("text/csv") and b"budgeted" in lines.content
    budgeted = {r["kind"]: r["budgeted"] for r in client.get("/api/analyses/budget-lines/?municipality=6211&year=2018")
                .json()["rows"] if r["level"] == "kind"}  # fmt: skip
    assert budgeted == {"revenue": 100_000_000, "expense": 100_000_000}
    assert client.get("/api/analyses/budget-measures/?measure=nothing").status_code == 400
    assert client.get("/api/analyses/budget-lines/?year=2018").status_code == 400
