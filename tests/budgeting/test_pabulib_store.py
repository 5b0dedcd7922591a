"""Real Pabulib elections stored as budgets: the stored count picks the city's own winners, and exports back."""

import io

import pytest
from django.core.management import CommandError, call_command

from gisportal.budgeting import pabulib, pabulib_store, rules
from gisportal.budgeting.models import Ballot, Budget, Proposal
from gisportal.paths import BASE_DIR

PB = BASE_DIR / "fixtures" / "pb"


def city_winners(election: pabulib.Election) -> set[str]:
    if any(p.selected is not None for p in election.projects.values()):
        return {p.id for p in election.projects.values() if p.selected}
    ids, costs, ballots = election.ballots()  # no `selected` column: the greedy rule the city used
    return {ids[i] for i in rules.greedy(costs, election.budget, ballots).selected}


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Swiecie_2023.pb",
        "Poland_Czestochowa_2024_Grabowka.pb",
        "France_Toulouse_2022_6_-_Saint-Cyprien.pb",
        "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb",
    ],
)
def test_an_imported_election_is_counted_to_the_citys_winners(tozeur, name):
    election = pabulib.read(PB / name)
    budget = pabulib_store.import_election(election, municipality=tozeur.municipality)
    assert Ballot.objects.filter(budget=budget).count() == len(election.voters)
    stored = set(budget.proposals.filter(status=Proposal.Status.SELECTED).values_list("code", flat=True))
    assert stored == city_winners(election)


def test_an_export_reads_back_as_the_same_election(tozeur):
    election = pabulib.read(PB / "Poland_Swiecie_2023.pb")
    budget = pabulib_store.import_election(election, municipality=tozeur.municipality)
    budget.results_published_at = budget.proposals.first().created_at
    again = pabulib.parse(pabulib_store.export_envelope(budget, budget.envelopes.get()))
    assert again.budget == election.budget and set(again.projects) == set(election.projects)
    assert sorted(sorted(v.choices) for v in again.voters) == sorted(sorted(v.choices) for v in election.voters)
    assert {p.id for p in again.projects.values() if p.selected} == city_winners(election)


def test_the_command_stores_an_election_only_with_import(tozeur):
    out, err = io.StringIO(), io.StringIO()
    call_command("pabulib", str(PB / "Poland_Swiecie_2023.pb"), "--rule", "equal-shares", stdout=out, stderr=err)
    assert not Budget.objects.exists()
    printed = out.getvalue().split()
    call_command(
        "pabulib", str(PB / "Poland_Swiecie_2023.pb"), "--rule", "equal-shares", "--import", "--municipality", "6211",
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    budget = Budget.objects.get()
    assert budget.rule == Budget.Rule.EQUAL_SHARES and budget.year == 2023
    assert set(budget.proposals.filter(status=Proposal.Status.SELECTED).values_list("code", flat=True)) == set(printed)
    assert "2,553 ballots, 17 selected" in err.getvalue()
    with pytest.raises(CommandError, match="already has a budget"):
        call_command(
            "pabulib", str(PB / "Poland_Swiecie_2023.pb"), "--rule", "greedy", "--import", "--municipality", "6211"
        )
    with pytest.raises(CommandError, match="needs --municipality"):
        call_command("pabulib", str(PB / "Poland_Swiecie_2023.pb"), "--rule", "greedy", "--import")
