"""The counting rules: small elections worked out by hand, the real Pabulib elections recounted, and pabutools
(the research community's implementation) agreeing with both rules on random elections."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gisportal.budgeting import pabulib
from gisportal.budgeting import pabutools_reference as reference
from gisportal.budgeting.rules import Ballots, Outcome, Reason, equal_shares, greedy

PB = Path(__file__).resolve().parents[2] / "fixtures" / "pb"
TOULOUSE = [
    "France_Toulouse_2022_6_-_Saint-Cyprien.pb",
    "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb",
]


def costs(*amounts: int) -> np.ndarray:
    return np.array(amounts, dtype=np.int64)


def approval(*ballots: str) -> Ballots:
    """Ballots written as strings of project indices: approval("01", "2") is {0, 1} and {2}."""
    return Ballots.from_lists([[int(c) for c in ballot] for ballot in ballots])


def reasons(outcome: Outcome) -> list[Reason]:
    return [p.reason for p in outcome.projects]


# Greedy by votes


def test_greedy_funds_the_most_voted_that_still_fit_and_says_what_money_was_left():
    # Votes 5, 4, 4, 1. Project 1 and 2 tie on votes: the cheaper (1, 30) goes first. Then 2 (40) no longer fits
    # in the 20 left, but 3 (20) does.
    outcome = greedy(costs(50, 30, 40, 20), 100, approval("012", "012", "012", "012", "03"))
    assert outcome.selected == (0, 1, 3)
    assert reasons(outcome) == [Reason.SELECTED, Reason.SELECTED, Reason.DID_NOT_FIT, Reason.SELECTED]
    assert [p.rank for p in outcome.projects] == [1, 2, 3, 4]
    assert [p.money_left for p in outcome.projects] == [100, 50, 20, 20]
    assert [p.support for p in outcome.projects] == [5, 4, 4, 1]
    assert (outcome.cost, outcome.money_left) == (100, 0)


def test_greedy_ties_on_votes_and_cost_go_to_the_lower_index():
    outcome = greedy(costs(10, 10), 10, approval("01", "10"))
    assert outcome.selected == (0,)
    assert outcome.projects[1].reason == Reason.DID_NOT_FIT
    assert outcome.projects[1].money_left == 0


def test_greedy_never_funds_a_project_nobody_voted_for():
    outcome = greedy(costs(10, 5), 100, approval("0", "0", ""))
    assert outcome.selected == (0,)
    assert outcome.projects[1].reason == Reason.NO_VOTES
    assert outcome.projects[1].rank is None
    assert outcome.money_left == 90


def test_greedy_on_cumulative_ballots_ranks_by_points():
    # Three voters give project 0 one point each (3 points); one voter puts all her 10 points on project 1.
    ballots = Ballots.from_lists([[0, 2], [0, 2], [0, 2], [1]], [[1, 9], [1, 9], [1, 9], [10]])
    outcome = greedy(costs(60, 60, 60), 120, ballots)
    assert outcome.selected == (2, 1)  # 27 points, then 10; project 0 (3 points) no longer fits
    assert [(p.supporters, p.support) for p in outcome.projects] == [(3, 3), (1, 10), (3, 27)]
    assert outcome.projects[0].reason == Reason.DID_NOT_FIT


def test_an_election_without_ballots_funds_nothing():
    for rule in (greedy, equal_shares):
        outcome = rule(costs(10, 20), 100, Ballots.from_lists([]))
        assert outcome.selected == ()
        assert reasons(outcome) == [Reason.NO_VOTES, Reason.NO_VOTES]


def test_ballots_are_checked():
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        greedy(costs(10, 20), 100, approval("02"))
    with pytest.raises(ValueError, match="twice"):
        greedy(costs(10, 20), 100, approval("00"))
    with pytest.raises(ValueError, match="negative"):
        greedy(costs(10, -1), 100, approval("0"))
    with pytest.raises(ValueError, match="points"):
        equal_shares(costs(10), 100, Ballots.from_lists([[0]], [[3]]))


# The Method of Equal Shares


def test_equal_shares_prefers_cheaper_projects_that_serve_everyone_to_a_popular_expensive_one():
    # 10 voters, 100 in the budget: 10 each. Project 0 (cost 100) has the most votes (voters 0-5), so greedy gives
    # it all the money, and voters 6-9 get nothing. Under equal shares its six supporters hold only 60: it cannot
    # be paid. Projects 1 (voters 0-4) and 2 (voters 5-9) cost 50, five supporters each paying their 10: both
    # are bought, at the same price; the cheaper-then-lower-index rule takes 1 first. Everyone gets a project.
    ballots = approval("01", "01", "01", "01", "01", "02", "2", "2", "2", "2")
    assert greedy(costs(100, 50, 50), 100, ballots).selected == (0,)
    outcome = equal_shares(costs(100, 50, 50), 100, ballots)
    assert outcome.selected == (1, 2)
    assert reasons(outcome) == [Reason.SUPPORTERS_RAN_OUT, Reason.SELECTED, Reason.SELECTED]
    assert outcome.projects[0].supporters_money == pytest.approx(0)  # voter 5 spent her 10 on project 2
    assert outcome.projects[0].support == 6
    assert [p.price_per_supporter for p in outcome.projects[1:]] == pytest.approx([10, 10])
    assert [p.rank for p in outcome.projects] == [None, 1, 2]


def test_a_supporter_who_cannot_pay_an_equal_part_pays_all_she_holds_and_the_others_the_rest():
    # 5 voters, 10 each. Project 0 (32, voters 0-3) is cheapest per supporter: 8 each, rho 8/32. Voter 3 then
    # holds 2, voter 4 still 10. Project 1 (12, voters 3 and 4): voter 3 pays her 2 and voter 4 pays 10, rho
    # 10/12, lower than project 2's (10, voter 4 alone) rho of 1. Voter 4 has nothing left for project 2.
    outcome = equal_shares(costs(32, 12, 10), 50, approval("0", "0", "0", "01", "12"))
    assert outcome.selected == (0, 1)
    assert [p.rho for p in outcome.projects[:2]] == pytest.approx([8 / 32, 10 / 12])
    assert [p.price_per_supporter for p in outcome.projects[:2]] == pytest.approx([8, 10])
    assert outcome.projects[2].reason == Reason.SUPPORTERS_RAN_OUT
    assert outcome.projects[2].supporters_money == pytest.approx(0)
    assert outcome.share_per_voter == 10


def test_add1_raises_the_shares_while_the_outcome_still_fits():
    # 2 voters, 5 each. Project 1 (4, voter 1) is bought, project 0 (6, voter 0) not: 6 would still fit in the 6
    # left. With 6 each both are bought (same rho 1, the cheaper first), 10 in all: add1 keeps that.
    plain = equal_shares(costs(6, 4), 10, approval("0", "1"), add1=False)
    assert plain.selected == (1,)
    assert plain.projects[0].supporters_money == pytest.approx(5)
    outcome = equal_shares(costs(6, 4), 10, approval("0", "1"))
    assert outcome.selected == (1, 0)
    assert outcome.share_per_voter == 6


def test_add1_keeps_the_last_outcome_that_fits_and_completion_spends_the_rest():
    # 2 voters, 10 in the budget. Project 2 (3, both) is bought first; 7 are left, enough for project 0 or 1
    # (6 each, one voter each), but each voter holds only 3.5. With 6 each, 4.5; with 7, 5.5; with 8 each, both
    # projects are bought: 15 in all, more than the budget. add1 keeps the count at 7 each, project 2 alone.
    # Greedy completion then funds project 0 (tied with 1 on votes and cost: the lower index) with the 7 left.
    election = (costs(6, 6, 3), 10, approval("02", "12"))
    outcome = equal_shares(*election)
    assert outcome.selected == (2,)
    assert outcome.share_per_voter == 7
    assert outcome.projects[0].supporters_money == pytest.approx(5.5)
    completed = equal_shares(*election, completion=True)
    assert completed.selected == (2, 0)
    assert reasons(completed) == [Reason.SELECTED_IN_COMPLETION, Reason.SUPPORTERS_RAN_OUT, Reason.SELECTED]
    assert [p.money_left for p in completed.projects] == [7, 1, None]
    assert reference.equal_shares(*election, completion=True) == [2, 0]


def test_a_free_project_with_supporters_is_always_selected():
    outcome = equal_shares(costs(0, 10), 10, approval("0", "1"))
    assert set(outcome.selected) == {0, 1}


# The real elections (fixtures/pb, from Pabulib)


def election(name: str) -> tuple[pabulib.Election, list[str], np.ndarray, Ballots]:
    parsed = pabulib.read(PB / name)
    ids, project_costs, ballots = parsed.ballots()
    return parsed, ids, project_costs, ballots


def city_selected(parsed: pabulib.Election) -> set[str]:
    return {p.id for p in parsed.projects.values() if p.selected}


def test_swiecie_2023_equal_shares_with_add1_selects_what_the_city_selected():
    parsed, ids, project_costs, ballots = election("Poland_Swiecie_2023.pb")
    assert parsed.meta["rule"] == "equalshares/add1"
    outcome = equal_shares(project_costs, parsed.budget, ballots)
    assert {ids[p] for p in outcome.selected} == city_selected(parsed)
    assert len(outcome.selected) == 17
    assert outcome.cost == 1_040_337
    # Greedy by votes would have funded the pier (c8, 413,000), the most voted after the shelter.
    assert "c8" in {ids[p] for p in greedy(project_costs, parsed.budget, ballots).selected}


def test_czestochowa_2024_greedy_by_points_selects_what_the_city_selected():
    parsed, ids, project_costs, ballots = election("Poland_Czestochowa_2024_Grabowka.pb")
    outcome = greedy(project_costs, parsed.budget, ballots)
    assert [ids[p] for p in outcome.selected] == ["261", "60"]
    assert {ids[p] for p in outcome.selected} == city_selected(parsed)
    assert [p.support for p in outcome.projects if ids[p.project] == "692"] == [585]  # the file's score column
    assert reference.greedy(project_costs, parsed.budget, ballots) == list(outcome.selected)


@pytest.mark.parametrize("name", TOULOUSE)
def test_toulouse_2022_greedy_is_pabutools_greedy(name):
    parsed, ids, project_costs, ballots = election(name)
    assert not city_selected(parsed)  # the file says which rule, not which projects: recount with it
    outcome = greedy(project_costs, parsed.budget, ballots)
    assert list(outcome.selected) == reference.greedy(project_costs, parsed.budget, ballots)
    votes = [parsed.projects[ids[p.project]].votes for p in outcome.projects]
    assert [p.support for p in outcome.projects] == votes  # the counts the city published


@pytest.mark.parametrize("name", [*TOULOUSE, "Poland_Swiecie_2023.pb"])
def test_real_elections_equal_shares_is_pabutools_without_and_with_completion(name):
    # add1 by pabutools takes minutes here (thousands of counts in exact fractions): Świecie's own column
    # checks add1 above, and the random elections below check it against pabutools.
    parsed, _ids, project_costs, ballots = election(name)
    for completion in (False, True):
        ours = equal_shares(project_costs, parsed.budget, ballots, add1=False, completion=completion)
        theirs = reference.equal_shares(project_costs, parsed.budget, ballots, add1=False, completion=completion)
        assert list(ours.selected) == theirs


# Random elections against pabutools


@st.composite
def elections(draw: st.DrawFn, max_projects: int = 7, max_voters: int = 20) -> tuple[np.ndarray, int, Ballots]:
    """Small costs from a short list and small budgets, so ties (on votes, on rho) and add1 steps are common."""
    m = draw(st.integers(1, max_projects))
    amounts = draw(st.lists(st.sampled_from([1, 2, 3, 5, 8, 10, 20, 35]), min_size=m, max_size=m))
    budget = draw(st.integers(0, sum(amounts)))
    ballots = draw(st.lists(st.sets(st.integers(0, m - 1)), max_size=max_voters))
    return np.array(amounts, dtype=np.int64), budget, Ballots.from_lists([sorted(b) for b in ballots])


@settings(max_examples=150, deadline=None)
@given(elections())
def test_greedy_is_pabutools_greedy(drawn):
    project_costs, budget, ballots = drawn
    voted = np.bincount(ballots.projects, minlength=len(project_costs)) > 0
    theirs = [p for p in reference.greedy(project_costs, budget, ballots) if voted[p]]
    assert list(greedy(project_costs, budget, ballots).selected) == theirs


@settings(max_examples=150, deadline=None)
@given(elections(), st.booleans(), st.booleans())
def test_equal_shares_is_pabutools_method_of_equal_shares(drawn, add1, completion):
    project_costs, budget, ballots = drawn
    voted = np.bincount(ballots.projects, minlength=len(project_costs)) > 0
    theirs = reference.equal_shares(project_costs, budget, ballots, add1=add1, completion=completion)
    ours = equal_shares(project_costs, budget, ballots, add1=add1, completion=completion).selected
    # pabutools skips free projects (they satisfy nobody under cost utilities) and its greedy funds unvoted ones.
    assert [p for p in ours if project_costs[p]] == [p for p in theirs if project_costs[p] and voted[p]]


@pytest.mark.parametrize("seed", range(3))
def test_larger_random_elections_agree_with_pabutools(seed):
    """Skewed popularity, ballots of 1 to 5 projects, more voters and projects: add1 takes tens of steps here."""
    rng = np.random.default_rng(seed)
    for _ in range(4):
        m, n = int(rng.integers(5, 12)), int(rng.integers(30, 80))
        project_costs = rng.integers(1, 60, m) * rng.choice([1, 5, 10], m)
        budget = int(rng.integers(project_costs.sum() // 5, project_costs.sum() // 2))
        popularity = rng.random(m) ** 2 + 0.01
        ballots = Ballots.from_lists(
            [rng.choice(m, int(rng.integers(1, 6)), replace=False, p=popularity / popularity.sum()) for _ in range(n)]
        )
        voted = np.bincount(ballots.projects, minlength=m) > 0
        theirs = [p for p in reference.greedy(project_costs, budget, ballots) if voted[p]]
        assert list(greedy(project_costs, budget, ballots).selected) == theirs
        ours = equal_shares(project_costs, budget, ballots).selected
        assert list(ours) == reference.equal_shares(project_costs, budget, ballots)
