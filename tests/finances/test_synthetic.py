"""Synthetic demo budgets for the pilots, which publish none: made from a real budget scaled to the population,
marked on their own page in every language, and never in a national figure or ranking."""

import pytest

from gisportal.finances import selectors, services
from gisportal.finances.models import SyntheticBudget
from gisportal.scorecards.models import BudgetExecution, BudgetLine
from tests.finances.conftest import third_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def degache(small):
    """A town of 20,000 inhabitants (Tozeur, the template, has 40,000) given Tozeur's budget, made up."""
    town = third_town()
    town.municipality.population = 20_000
    town.municipality.save(update_fields=["population"])
    services.seed_synthetic_budget(municipality=town.municipality, template=small.tozeur.municipality)
    return town.municipality


def test_every_line_is_the_templates_scaled_within_a_fifth(small, degache):
    template = {
        (b.year, b.kind, b.article, b.paragraph): b.amount for b in small.tozeur.municipality.budget_lines.all()
    }
    made = {(b.year, b.kind, b.article, b.paragraph): b.amount for b in degache.budget_lines.all()}
    assert made.keys() == template.keys()
    for key, amount in made.items():
        assert 0.8 * template[key] / 2 <= amount < 1.2 * template[key] / 2, key
    assert len(set(made.values())) > 1 and made != {k: v // 2 for k, v in template.items()}  # not a plain copy
    # The execution of a line moves with its budget: the same factor, so the rates stay the template's.
    for e in BudgetExecution.objects.filter(municipality=degache):
        original = BudgetExecution.objects.get(
            municipality=small.tozeur.municipality, year=e.year, month=e.month, article=e.article, paragraph=e.paragraph
        )
        line = BudgetLine.objects.get(municipality=degache, year=e.year, kind="expense", article=e.article,
                                      paragraph=e.paragraph)  # fmt: skip
        source = BudgetLine.objects.get(municipality=small.tozeur.municipality, year=e.year, kind="expense",
                                        article=e.article, paragraph=e.paragraph)  # fmt: skip
        assert e.amount / original.amount == pytest.approx(line.amount / source.amount, rel=1e-6)


def test_the_same_seed_makes_the_same_budget(small, degache):
    first = sorted(degache.budget_lines.values_list("year", "article", "paragraph", "amount"))
    BudgetLine.objects.filter(municipality=degache).delete()
    BudgetExecution.objects.filter(municipality=degache).delete()
    SyntheticBudget.objects.filter(municipality=degache).delete()
    services.seed_synthetic_budget(municipality=degache, template=small.tozeur.municipality)
    assert sorted(degache.budget_lines.values_list("year", "article", "paragraph", "amount")) == first


def test_a_municipality_with_a_budget_of_its_own_is_never_given_one(small):
    with pytest.raises(ValueError, match="budget of its own"):
        services.seed_synthetic_budget(municipality=small.beja.municipality, template=small.tozeur.municipality)
    assert not SyntheticBudget.objects.exists()


def test_its_page_says_so_in_every_language_and_no_national_figure_counts_it(client, small, degache):
    for language, words in (
        ("", "Chiffres de démonstration"),
        ("/ar", "أرقام للعرض"),
        ("/en", "Demonstration figures"),
    ):
        page = client.get(f"{language}/finances/6212/?year=2018")
        assert page.status_code == 200 and words in page.content.decode(), language
    codes = {s.code for s in selectors.standings("budget_per_inhabitant", 2018) if s.value is not None}
    assert codes == {"6211", "2111"}  # Degache's made-up budget is in no ranking
