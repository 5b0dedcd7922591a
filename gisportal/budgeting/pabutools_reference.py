"""The same counts by `pabutools` (the research community's implementation), on the same inputs: the reference
that tests and bench/pb_results.py hold `rules` to. Exact fractions, one Python object per ballot: slow.

Ties are broken as `rules` breaks them (the cheaper project first, then the lower index). Two differences of
pabutools are left to the caller: its greedy also funds projects nobody voted for when money is left (last, so
the others are unchanged), and with cost utilities a free project satisfies nobody, so equal shares skips it.
"""

from __future__ import annotations

from typing import Any

from pabutools.election import (
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from gisportal.budgeting.rules import Ballots, IntArray


class _PointsTimesCost(AdditiveSatisfaction):
    """Points x cost: greedy's "satisfaction per unit of cost" is then the points a project got, as in Pabulib."""

    def __init__(self, instance: Instance, profile: Any, ballot: Any) -> None:
        super().__init__(instance, profile, ballot, lambda _i, _p, b, project, _pre: b.get(project, 0) * project.cost)


def election(costs: IntArray, budget: int, ballots: Ballots) -> tuple[Instance, Any, TieBreakingRule]:
    """The election as pabutools objects: its instance, its profile and our tie-breaking."""
    projects = [Project(str(i), int(cost)) for i, cost in enumerate(costs)]
    instance = Instance(projects, budget_limit=budget)
    rows = [ballots.projects[a:b] for a, b in zip(ballots.start[:-1], ballots.start[1:], strict=True)]
    profile: Any
    if ballots.points is None:
        profile = ApprovalProfile([ApprovalBallot([projects[p] for p in row]) for row in rows])
    else:
        points = [ballots.points[a:b] for a, b in zip(ballots.start[:-1], ballots.start[1:], strict=True)]
        profile = CumulativeProfile(
            [
                CumulativeBallot({projects[p]: int(x) for p, x in zip(row, pts, strict=True)})
                for row, pts in zip(rows, points, strict=True)
            ]
        )
    order = TieBreakingRule(lambda _instance, _profile, project: (project.cost, int(project.name)))
    return instance, profile, order


def greedy(costs: IntArray, budget: int, ballots: Ballots) -> list[int]:
    """pabutools' greedy_utilitarian_welfare by votes (cost satisfaction) or points: the winners in order."""
    instance, profile, order = election(costs, budget, ballots)
    satisfaction = Cost_Sat if ballots.points is None else _PointsTimesCost
    winners = greedy_utilitarian_welfare(instance, profile, sat_class=satisfaction, tie_breaking=order)
    return [int(p.name) for p in winners]


def equal_shares(
    costs: IntArray, budget: int, ballots: Ballots, *, add1: bool = True, completion: bool = False
) -> list[int]:
    """pabutools' method_of_equal_shares with cost satisfaction (add1: voter_budget_increment=1), then greedy
    when `completion`: the winners in order."""
    instance, profile, order = election(costs, budget, ballots)
    mes = {"sat_class": Cost_Sat, "tie_breaking": order, "voter_budget_increment": 1 if add1 else None}
    if completion:
        winners = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [mes, {"sat_class": Cost_Sat, "tie_breaking": order}],
        )
    else:
        winners = method_of_equal_shares(instance, profile, **mes)
    return [int(p.name) for p in winners]
