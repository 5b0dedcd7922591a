"""Budgets small enough to compute by hand (Tozeur and Béja of tests/conftest.py, and a third town), and the real
data of shared/data/real through the pipeline (Bou Arada's budget and execution, the national evaluation)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction

from etl.pipeline import import_file
from gisportal.paths import BASE_DIR
from gisportal.scorecards.models import BudgetExecution, BudgetLine, PerformanceCriterion, PerformanceScore
from layers.models import Municipality
from tests.conftest import Town, make_town

REAL = BASE_DIR / "fixtures" / "real"
BOUARADA = REAL / "tn-municipal-budget-bouarada"
PERFORMANCE = REAL / "tn-municipal-performance"
REAL_IMPORTS = (
    ("governorate", REAL / "tn-municipalities-data4tunisia" / "tun_governorates.geojson", "tn-governorates"),
    ("municipality", REAL / "tn-municipalities-data4tunisia" / "tun_municipalities.geojson", "tn-municipalities"),
    ("budget-lines", BOUARADA / "recette_simple_34012_v2.csv", "tn-budget-revenue"),
    ("budget-lines", BOUARADA / "depense_simple_34012_v2.csv", "tn-budget-expense"),
    ("budget-executions", BOUARADA / "Depence_2018_34012.csv", "tn-budget-expense-execution-2018"),
    ("performance-criteria", PERFORMANCE / "criteria.csv", "tn-performance-criteria"),
    ("performance-scores", PERFORMANCE / "evaluations.csv", "tn-performance-scores"),
)


def load_real(reports: Path) -> None:
    for layer, path, spec in REAL_IMPORTS:
        import_file(path, layer=layer, mapping=spec, report=reports / f"{spec}.csv")


@pytest.fixture(scope="module")
def real(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Municipality]:
    """The real frame and tables for a module's tests, rolled back after them; Bou Arada (2412) is yielded."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_real(tmp_path_factory.mktemp("reports"))
        yield Municipality.objects.get(code="2412")
        transaction.set_rollback(True)


def line(town: Town, year: int, kind: str, article: str, amount: int, paragraph: str = "0001", label: str = "") -> None:
    operating = article < ("06" if kind == "expense" else "07")  # title 1 ends at part 5 / category 06
    BudgetLine.objects.create(
        municipality=town.municipality, year=year, kind=kind, title="1" if operating else "2",
        article=article, paragraph=paragraph, sub_paragraph="000", label_ar=label or f"بند {article}", amount=amount,
    )  # fmt: skip


def executed(town: Town, year: int, month: int, article: str, amount: int, paragraph: str = "0001") -> None:
    BudgetExecution.objects.create(
        municipality=town.municipality, year=year, month=month, kind="expense", title="1" if article < "06" else "2",
        article=article, paragraph=paragraph, sub_paragraph="000", label_ar=f"بند {article}", amount=amount,
    )  # fmt: skip


@dataclass
class Small:
    tozeur: Town
    beja: Town


@pytest.fixture
def small(tozeur: Town, beja: Town) -> Small:
    """By hand, in millimes (Tozeur: 40,000 inhabitants, like Béja):

    Tozeur 2018 revenue: 01101 tax on built property 30,000,000 + 03206 building permits 10,000,000 (own: 40 M)
      + 06001 common fund 60,000,000 (the State's) = 100,000,000, own share 40 %.
    Tozeur 2018 expenses: 01101 pay 50,000,000 (staff), 02202-0032 lighting upkeep 20,000,000, 02202-0030
      cleanliness 10,000,000 (waste), 06613-0002 paving roads 20,000,000 = 100,000,000; 2017: pay 40,000,000 and
      lighting 20,000,000 = 60,000,000. Executed 2018: to January 10,000,000 and to March 25,000,000 (cumulative):
      the rate is 25 % to the end of March. Per inhabitant: 100,000 DT / 40,000 = 2.5 DT.
    Béja 2018 revenue 50,000,000 all from 01101 (own share 100 %), expenses 02201 running costs 200,000,000
      (5 DT per inhabitant); no execution.
    Scores 2018 (domains only count): Tozeur 20 + 30 = 50, Béja 25 + 35 = 60; a criterion's 4 is not added.
    """
    t, b = tozeur, beja
    line(t, 2018, "revenue", "01101", 30_000_000, "00")
    line(t, 2018, "revenue", "03206", 10_000_000, "00")
    line(t, 2018, "revenue", "06001", 60_000_000, "00")
    line(t, 2018, "expense", "01101", 50_000_000)
    line(t, 2018, "expense", "02202", 20_000_000, "0032")
    line(t, 2018, "expense", "02202", 10_000_000, "0030")
    line(t, 2018, "expense", "06613", 20_000_000, "0002")
    line(t, 2017, "expense", "01101", 40_000_000)
    line(t, 2017, "expense", "02202", 20_000_000, "0032")
    executed(t, 2018, 1, "01101", 10_000_000)
    executed(t, 2018, 3, "01101", 20_000_000)
    executed(t, 2018, 3, "02202", 5_000_000, "0032")
    line(b, 2018, "revenue", "01101", 50_000_000, "00")
    line(b, 2018, "expense", "02201", 200_000_000)
    governance = PerformanceCriterion.objects.create(code="10", name_ar="الحوكمة", name_fr="Gouvernance",
                                                     max_score=30, level="domain")  # fmt: skip
    management = PerformanceCriterion.objects.create(code="11", name_ar="التصرف", name_fr="Gestion", max_score=70,
                                                     level="domain")  # fmt: skip
    detail = PerformanceCriterion.objects.create(code="10114", name_ar="جلسات", name_fr="Réunions", max_score=4,
                                                 level="criterion")  # fmt: skip
    for town, scores in ((t, (20, 30)), (b, (25, 35))):
        for criterion, score in zip((governance, management), scores, strict=True):
            PerformanceScore.objects.create(municipality=town.municipality, year=2018, criterion=criterion,
                                            score=score, max_score=criterion.max_score)  # fmt: skip
        PerformanceScore.objects.create(municipality=town.municipality, year=2018, criterion=detail, score=4,
                                        max_score=4)  # fmt: skip
    return Small(t, b)


def third_town(code: str = "6212", name: str = "Degache") -> Town:
    """A municipality with no budget and no score, in Tozeur's governorate."""
    tozeur = Municipality.objects.get(code="6211")
    return make_town(code, name, tozeur.governorate, 8.2, 33.97)
