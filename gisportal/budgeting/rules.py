"""The portal's two counting rules for one envelope: greedy by votes (CONSUL's) and the Method of Equal Shares.

Pure computation (numpy, no database): projects are indexed 0..m-1 with whole-currency costs, ballots are a
CSR-like `Ballots`. Ties are broken the same way everywhere: the cheaper project first, then the lower index
(callers index projects in the order of their ids, so this is "then the lower project id").

Both rules give an `Outcome` that says, for every project, whether it won and why, in codes and numbers the
results page words in each language (`Reason`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Two floating-point prices closer than this (relative) are the same price: a tie, broken by cost then index.
# Exact arithmetic (pabutools' fractions) is 1000 times slower; float noise on 10^5 ballots stays near 1e-14.
TOLERANCE = 1e-11
NEAR = 1e-9  # add1: a comparison this close (relative) to turning is counted again at the next share, never skipped


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


@dataclass(frozen=True)
class _Groups:
    """Identical ballots counted once with their weight: voters with the same ballot always hold the same share."""

    count: int  # distinct ballots
    start: IntArray  # project p is supported by the distinct ballots members[start[p]:start[p + 1]]
    members: IntArray
    weight: FloatArray  # voters behind each of those members (aligned with members)


def _groups(ballots: Ballots, project_count: int) -> _Groups:
    # A ballot as a bit set of its projects (64 to a word): equal sets, equal rows.
    words = max(1, -(-project_count // 64))
    voter = ballots.voter_of_choice()
    bits = np.zeros(len(ballots) * words, dtype=np.uint64)
    bit = np.left_shift(np.uint64(1), (ballots.projects % 64).astype(np.uint64))
    np.add.at(bits, voter * words + ballots.projects // 64, bit)  # no project twice in a ballot: add is or
    rows = bits.reshape(len(ballots), words)
    order = np.lexsort(rows.T[::-1])
    new = np.ones(len(ballots), dtype=bool)
    new[1:] = np.any(rows[order[1:]] != rows[order[:-1]], axis=1)
    group_of_ballot = np.empty(len(ballots), dtype=np.int64)
    group_of_ballot[order] = np.cumsum(new) - 1
    size = np.bincount(group_of_ballot)
    keep = np.zeros(len(ballots), dtype=bool)
    keep[order[new]] = True  # one (project, group) pair per distinct ballot: one of its ballots'
    kept = keep[voter]
    projects, groups = ballots.projects[kept], group_of_ballot[voter[kept]]
    by_project = np.lexsort((groups, projects))  # each project's supporters in memory order: faster gathers
    start = np.concatenate(([0], np.cumsum(np.bincount(projects, minlength=project_count)))).astype(np.int64)
    members = groups[by_project]
    return _Groups(len(size), start, members, size[members].astype(np.float64))


@dataclass
class _Run:
    """One count of equal shares at a given share per voter."""

    selected: list[tuple[int, float]]  # (project, rho), in the order selected
    cost: int
    held: FloatArray  # what each distinct ballot's voters hold at the end
    over_budget: bool
    same_until: float  # every share from this one up to (not including) this gives the same count


@dataclass(frozen=True)
class _Price:
    rho: float
    slope: float  # how rho moves with the share per voter, while the same supporters pay all they hold
    until: float  # how far the share can rise before those supporters may change (0: not at all)
    poor: npt.NDArray[np.bool_]  # which of the project's supporters pay all they hold


def _room(gap: FloatArray, gap_slope: FloatArray, scale: float) -> float:
    """How far the share per voter can rise before one of these gaps (all >= 0 now) may close."""
    if len(gap) == 0:
        return np.inf
    if gap.min() <= NEAR * scale:  # on a boundary already: the next share is counted, not skipped
        return 0.0
    with np.errstate(divide="ignore"):
        return float(np.min(np.where(gap_slope < 0, gap / -gap_slope, np.inf)))


def _price(cost: int, voters: float, weight: FloatArray, held: FloatArray, slope: FloatArray | None) -> _Price | None:
    """rho, the lowest price per unit of cost its supporters can pay together (each pays at most rho x cost, or
    all she holds); None when all they hold is less than the cost. With `slope` (how each holding moves with the
    share per voter), also how rho moves and how far the share can rise before the poor change."""
    held_by_group = held * weight
    if float(held_by_group.sum()) < cost * (1 - TOLERANCE):
        return None
    # Those who cannot pay the part q pay all they hold and the others share the rest: q rises, so more may
    # fall short; the sorted scan of pabutools reaches the same fixed point, without the sort. (Sums as dot
    # products with a 0/1 vector: no copies, and no BLAS threads, which cost more than they give here.)
    q, rho, rich = cost / voters, cost / (voters * cost), voters
    poor = held < q / (1 + TOLERANCE)
    poor_count = int(np.count_nonzero(poor))
    is_poor = poor.astype(np.float64)
    while poor_count:
        paid = float(np.einsum("i,i->", is_poor, held_by_group))
        rich = voters - float(np.einsum("i,i->", is_poor, weight))
        if rich <= 0:
            return None
        q, rho = (cost - paid) / rich, (cost - paid) / (rich * cost)
        more = held < q / (1 + TOLERANCE)
        if (more_count := int(np.count_nonzero(more))) == poor_count:
            break
        poor, poor_count, is_poor = more, more_count, more.astype(np.float64)
    if slope is None:
        return _Price(rho, 0.0, 0.0, poor)
    q_slope = -float(np.einsum("i,i,i->", is_poor, slope, weight)) / rich
    side = 1.0 - 2.0 * is_poor  # the rich stay at or above q, the poor below it
    return _Price(rho, q_slope / cost, _room(side * (held - q), side * (slope - q_slope), q), poor)


def _count(
    costs: IntArray, budget: int, groups: _Groups, voters: FloatArray, share: float, free: list[int], track: bool
) -> _Run:
    """Equal shares with `share` per voter. With `track`, also how far the share can rise with the same count:
    every share, price and purchase is then affine in the share per voter, so it is where one comparison made
    here could turn (a supporter becoming poor or rich, a project becoming affordable, another one cheaper)."""
    held = np.full(groups.count, share)
    slope = np.ones(groups.count)  # d held / d share (kept up to date only with `track`)
    selected: list[tuple[int, float]] = [(p, 0.0) for p in free]
    cost = 0
    same_until = np.inf
    active = (voters > 0) & (costs > 0)
    # Shares only go down, so a project's last price is a lower bound on its next: examine the cheapest first and
    # stop at the first bound above the best price found (pabutools' own shortcut, same result).
    bound = np.where(active, 1.0 / np.maximum(voters, 1), np.inf)  # nobody pays less than an equal part
    # A price is convex in the share per voter (the level where a sum of min(held, q) reaches the cost, each held
    # affine in the share): its tangent, bound + bound_slope x (rise), stays below it at every share.
    bound_slope = np.zeros(len(costs))
    while active.any():
        best = np.inf
        priced: dict[int, _Price] = {}
        for p in map(int, np.argsort(bound, kind="stable")):
            if not active[p] or bound[p] > best * (1 + TOLERANCE):
                break
            members = groups.members[groups.start[p] : groups.start[p + 1]]
            weight = groups.weight[groups.start[p] : groups.start[p + 1]]
            price = _price(int(costs[p]), float(voters[p]), weight, held[members], slope[members] if track else None)
            if price is None:
                active[p], bound[p] = False, np.inf
                if track:  # it stays out of reach while its supporters hold less than its cost
                    short = np.array([costs[p] - np.einsum("i,i->", held[members], weight)])
                    rise = -np.array([np.einsum("i,i->", slope[members], weight)])
                    same_until = min(same_until, share + _room(short, rise, costs[p]))
                continue
            bound[p], bound_slope[p] = price.rho, price.slope
            priced[p] = price
            best = min(best, price.rho)
        if not priced:
            break
        winner = min((p for p in priced if bound[p] <= best * (1 + TOLERANCE)), key=lambda p: (costs[p], p))
        price = priced[winner]
        active[winner], bound[winner] = False, np.inf
        if track:  # the winner pays with the same supporters, and every other project stays dearer
            gap, gap_slope = bound[active] - price.rho, bound_slope[active] - price.slope
            same_until = min(same_until, share + min(price.until, _room(gap, gap_slope, price.rho)))
        members = groups.members[groups.start[winner] : groups.start[winner + 1]]
        held[members] = np.where(price.poor, 0.0, np.maximum(held[members] - price.rho * int(costs[winner]), 0.0))
        if track:
            slope[members] = np.where(price.poor, 0.0, slope[members] - price.slope * int(costs[winner]))
        selected.append((winner, price.rho))
        cost += int(costs[winner])
        if cost > budget:  # add1 keeps the previous count then; no need to finish this one
            return _Run(selected, cost, held, over_budget=True, same_until=share)
    return _Run(selected, cost, held, over_budget=False, same_until=same_until if track else share)


def _exhaustive(costs: IntArray, budget: int, voters: IntArray, run: _Run) -> bool:
    chosen = np.zeros(len(costs), dtype=bool)
    chosen[[p for p, _ in run.selected]] = True
    return not np.any(~chosen & (voters > 0) & (costs <= budget - run.cost))


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
    groups = _groups(ballots, len(costs))
    free = [p for p in range(len(costs)) if costs[p] == 0 and voters[p] > 0]  # nothing to share: always selected
    first_share = budget / len(ballots)

    def count(step: int, track: bool) -> _Run:
        return _count(costs, budget, groups, voters.astype(np.float64), first_share + step, free, track)

    step, run = 0, count(0, add1)
    in_vain = 0  # tracked counts in a row that let no step be skipped
    while add1 and not _exhaustive(costs, budget, voters, run):
        # Every share below run.same_until counts the same: go straight to the first step that may not.
        ahead = run.same_until - first_share
        next_step = step + 1 if not np.isfinite(ahead) else max(step + 1, math.ceil(ahead - NEAR * (1 + ahead)))
        in_vain = 0 if next_step > step + 1 else in_vain + 1
        # Tracking doubles a count's time: where it skips nothing (many voters), try it only one step in eight.
        bigger = count(next_step, track=in_vain < 2 or next_step % 8 == 0)
        if bigger.over_budget:
            if next_step > step + 1:  # the same outcome as `run`, with the prices of the last share that fits
                step, run = next_step - 1, count(next_step - 1, track=False)
            break
        step, run = next_step, bigger
    share = first_share + step

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
            members = groups.members[groups.start[p] : groups.start[p + 1]]
            held = float(np.einsum("i,i->", run.held[members], groups.weight[groups.start[p] : groups.start[p + 1]]))
            results[p] = ProjectResult(
                p,
                int(costs[p]),
                int(voters[p]),
                int(support[p]),
                False,
                Reason.SUPPORTERS_RAN_OUT,
                money_left=considered.get(p),
                supporters_money=held,
            )
    return Outcome("equal_shares", budget, _with_unsupported(results, costs, voters, support), tuple(selected), share)
