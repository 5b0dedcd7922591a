"""The portal's two counting rules for one envelope: greedy by votes (CONSUL's) and the Method of Equal Shares.

Pure computation (numpy, no database): projects are indexed 0..m-1 with whole-currency costs, ballots are a
CSR-like `Ballots`. Ties are broken the same way everywhere: the cheaper project first, then the lower index
(callers index projects in the order of their ids, so this is "then the lower project id").

Both rules give an `Outcome` that says, for every project, whether it won and why, in codes and numbers the
results page words in each language (`Reason`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gisportal.budgeting import shares
from gisportal.budgeting.shares import IntArray


class Reason(StrEnum):
    """Why a project won or not, for the explanation page."""

    SELECTED = "selected"
    DID_NOT_FIT = "did_not_fit"  # greedy: its cost was above the money left (`money_left`)
    SUPPORTERS_RAN_OUT = "supporters_ran_out"  # equal shares: its supporters' shares could not pay for it
    SELECTED_IN_COMPLETION = "selected_in_completion"  # equal shares left money; greedy by votes spent it
    NO_VOTES = "no_votes"


@dataclass(frozen=True)
class Ballots:
    """n ballots over projects 0..m-1: ballot i chose `projects[start[i]:start[i + 1]]`, with `points` for each
    choice on cumulative or scoring ballots (None on approval and knapsack ballots)."""

    start: IntArray
    projects: IntArray
    points: IntArray | None = None

    @classmethod
    def from_lists(cls, choices: Sequence[Sequence[int]], points: Sequence[Sequence[int]] | None = None) -> Ballots:
        lengths = np.array([len(c) for c in choices], dtype=np.int64)
        start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        if points is not None and [len(p) for p in points] != lengths.tolist():
            raise ValueError("every choice needs its points")
        return cls(start, _flat(choices), None if points is None else _flat(points))

    def __len__(self) -> int:
        return len(self.start) - 1

    def voter_of_choice(self) -> IntArray:
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.start))

    def check(self, project_count: int) -> None:
        """ValueError on a choice outside 0..m-1, a project twice in one ballot, or negative points."""
        if len(self.start) == 0 or self.start[0] != 0 or np.any(np.diff(self.start) < 0):
            raise ValueError("ballot offsets must start at 0 and never decrease")
        if self.start[-1] != len(self.projects):
            raise ValueError("ballot offsets do not match the choices")
        if len(self.projects) and (self.projects.min() < 0 or self.projects.max() >= project_count):
            raise ValueError(f"a ballot chose a project outside 0..{project_count - 1}")
        if self.points is not None and (len(self.points) != len(self.projects) or np.any(self.points < 0)):
            raise ValueError("points must be given for every choice and never be negative")
        pairs = np.sort(self.voter_of_choice() * project_count + self.projects)
        if np.any(pairs[1:] == pairs[:-1]):
            raise ValueError("a ballot chose the same project twice")


def _flat(rows: Sequence[Sequence[int]]) -> IntArray:
    parts = [np.asarray(row, dtype=np.int64).reshape(-1) for row in rows if len(row)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class ProjectResult:
    project: int
    cost: int
    supporters: int  # ballots that chose it
    support: int  # what greedy ranks by: supporters, or the sum of points on cumulative ballots
    selected: bool
    reason: Reason
    rank: int | None = None  # greedy: place in the order considered; equal shares: place in the order selected
    money_left: int | None = None  # greedy and completion: money left when it was considered
    rho: float | None = None  # equal shares: the price each supporter paid per unit of its cost
    price_per_supporter: float | None = None  # equal shares: the most one supporter paid (rho x cost)
    supporters_money: float | None = None  # equal shares, not selected: what its supporters had left at the end


@dataclass(frozen=True)
class Outcome:
    rule: str  # "greedy" or "equal_shares"
    budget: int
    projects: tuple[ProjectResult, ...]  # by project index
    selected: tuple[int, ...]  # the winners, in the order they were selected
    share_per_voter: float | None = None  # equal shares: each voter's share in the run kept (add1 raises it)

    @property
    def cost(self) -> int:
        return sum(self.projects[p].cost for p in self.selected)

    @property
    def money_left(self) -> int:
        return self.budget - self.cost


def _check(costs: IntArray, budget: int, ballots: Ballots) -> IntArray:
    costs = np.asarray(costs, dtype=np.int64)
    if costs.ndim != 1 or np.any(costs < 0):
        raise ValueError("costs must be whole amounts, never negative")
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    ballots.check(len(costs))
    return costs


def _supporters(ballots: Ballots, project_count: int) -> IntArray:
    return np.bincount(ballots.projects, minlength=project_count).astype(np.int64)


def _support(ballots: Ballots, project_count: int) -> IntArray:
    if ballots.points is None:
        return _supporters(ballots, project_count)
    return np.bincount(ballots.projects, weights=ballots.points, minlength=project_count).round().astype(np.int64)


def _greedy_fill(costs: IntArray, support: IntArray, money: int, skip: set[int]) -> list[tuple[int, int, int, bool]]:
    """(project, rank, money left before it, taken) for every project with support, most supported first."""
    order = np.lexsort((np.arange(len(costs)), costs, -support))
    considered = []
    for rank, p in enumerate((int(p) for p in order if support[p] > 0 and int(p) not in skip), start=1):
        taken = bool(costs[p] <= money)
        considered.append((p, rank, money, taken))
        if taken:
            money -= int(costs[p])
    return considered


def greedy(costs: IntArray, budget: int, ballots: Ballots) -> Outcome:
    """CONSUL's rule: the most supported project first; each one is funded if it still fits, skipped otherwise.

    Support is the number of ballots (approval, knapsack) or the sum of points (cumulative). Projects nobody
    supported are never funded, whatever money is left.
    """
    costs = _check(costs, budget, ballots)
    supporters, support = _supporters(ballots, len(costs)), _support(ballots, len(costs))
    results: dict[int, ProjectResult] = {}
    selected = []
    for p, rank, left, taken in _greedy_fill(costs, support, budget, skip=set()):
        reason = Reason.SELECTED if taken else Reason.DID_NOT_FIT
        results[p] = ProjectResult(
            p, int(costs[p]), int(supporters[p]), int(support[p]), taken, reason, rank=rank, money_left=left
        )
        if taken:
            selected.append(p)
    return Outcome("greedy", budget, _with_unsupported(results, costs, supporters, support), tuple(selected))


def _with_unsupported(
    results: dict[int, ProjectResult], costs: IntArray, supporters: IntArray, support: IntArray
) -> tuple[ProjectResult, ...]:
    return tuple(
        results.get(p) or ProjectResult(p, int(costs[p]), int(supporters[p]), int(support[p]), False, Reason.NO_VOTES)
        for p in range(len(costs))
    )


def equal_shares(
    costs: IntArray, budget: int, ballots: Ballots, *, add1: bool = True, completion: bool = False
) -> Outcome:
    """The Method of Equal Shares on approval ballots, with cost utilities (Pabulib `equalshares`, pabutools'
    `method_of_equal_shares` with `Cost_Sat`).

    Every voter gets an equal share of the budget. Round by round, the project its supporters can buy at the
    lowest price per unit of cost (rho; each supporter pays rho x cost, or all she has left) is selected, until
    no project's supporters hold enough. With `add1` (Pabulib `equalshares/add1`), the share per voter is raised
    by one currency unit and everything counted again, as long as the outcome fits in the real budget and some
    supported project could still be afforded; the last outcome that fits is kept. With `completion`, greedy by
    votes then spends what is left.
    """
    costs = _check(costs, budget, ballots)
    if ballots.points is not None and np.any(ballots.points != 1):
        raise ValueError("equal shares counts approval ballots; these carry points")
    voters, support = _supporters(ballots, len(costs)), _support(ballots, len(costs))
    results: dict[int, ProjectResult] = {}
    if len(ballots) == 0:
        return Outcome("equal_shares", budget, _with_unsupported(results, costs, voters, support), ())
    groups = shares.group(ballots.start, ballots.projects, len(costs))
    free = [p for p in range(len(costs)) if costs[p] == 0 and voters[p] > 0]  # nothing to share: always selected
    first_share = budget / len(ballots)
    if add1:
        run = shares.add1(costs, budget, groups, voters, first_share, free)
    else:
        run = shares.count(costs, budget, groups, voters.astype(np.float64), first_share, free, track=False)

    for rank, (p, rho) in enumerate(run.selected, start=1):
        results[p] = ProjectResult(
            p,
            int(costs[p]),
            int(voters[p]),
            int(support[p]),
            True,
            Reason.SELECTED,
            rank=rank,
            rho=rho,
            price_per_supporter=rho * int(costs[p]),
        )
    selected = [p for p, _ in run.selected]
    considered: dict[int, int] = {}  # completion: the money left when it was considered
    if completion:
        for p, _, left, taken in _greedy_fill(costs, support, budget - run.cost, skip=set(selected)):
            considered[p] = left
            if taken:
                selected.append(p)
                results[p] = ProjectResult(
                    p,
                    int(costs[p]),
                    int(voters[p]),
                    int(support[p]),
                    True,
                    Reason.SELECTED_IN_COMPLETION,
                    rank=len(selected),
                    money_left=left,
                )
    for p in range(len(costs)):
        if p not in results and voters[p] > 0:
            results[p] = ProjectResult(
                p,
                int(costs[p]),
                int(voters[p]),
                int(support[p]),
                False,
                Reason.SUPPORTERS_RAN_OUT,
                money_left=considered.get(p),
                supporters_money=shares.supporters_hold(groups, run, p),
            )
    return Outcome(
        "equal_shares", budget, _with_unsupported(results, costs, voters, support), tuple(selected), run.share
    )
