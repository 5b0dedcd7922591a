"""The engine of the Method of Equal Shares (`rules.equal_shares`): one count at a given share per voter, and
add1's search for the share to keep, on identical ballots grouped once.

Floating point, with pabutools' exact fractions as the reference: two prices closer than TOLERANCE (relative)
are a tie, broken by cost then index; float noise on 10^5 ballots stays near 1e-14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

TOLERANCE = 1e-11
NEAR = 1e-9  # add1: a comparison this close (relative) to turning is counted again at the next share, never skipped


@dataclass(frozen=True)
class Groups:
    """Identical ballots counted once with their weight: voters with the same ballot always hold the same share."""

    count: int  # distinct ballots
    start: IntArray  # project p is supported by the distinct ballots members[start[p]:start[p + 1]]
    members: IntArray
    weight: FloatArray  # voters behind each of those members (aligned with members)


def group(start: IntArray, projects: IntArray, project_count: int) -> Groups:
    """The distinct ballots of a CSR ballot list (`rules.Ballots`), and each project's supporters among them."""
    # A ballot as a bit set of its projects (64 to a word): equal sets, equal rows.
    ballots = len(start) - 1
    words = max(1, -(-project_count // 64))
    voter = np.repeat(np.arange(ballots, dtype=np.int64), np.diff(start))
    bits = np.zeros(ballots * words, dtype=np.uint64)
    bit = np.left_shift(np.uint64(1), (projects % 64).astype(np.uint64))
    np.add.at(bits, voter * words + projects // 64, bit)  # no project twice in a ballot: add is or
    rows = bits.reshape(ballots, words)
    order = np.lexsort(rows.T[::-1])
    new = np.ones(ballots, dtype=bool)
    new[1:] = np.any(rows[order[1:]] != rows[order[:-1]], axis=1)
    group_of_ballot = np.empty(ballots, dtype=np.int64)
    group_of_ballot[order] = np.cumsum(new) - 1
    size = np.bincount(group_of_ballot)
    keep = np.zeros(ballots, dtype=bool)
    keep[order[new]] = True  # one (project, group) pair per distinct ballot: one of its ballots'
    kept = keep[voter]
    chosen, groups = projects[kept], group_of_ballot[voter[kept]]
    by_project = np.lexsort((groups, chosen))  # each project's supporters in memory order: faster gathers
    first = np.concatenate(([0], np.cumsum(np.bincount(chosen, minlength=project_count)))).astype(np.int64)
    members = groups[by_project]
    return Groups(len(size), first, members, size[members].astype(np.float64))


@dataclass
class Count:
    """One count of equal shares at a given share per voter."""

    share: float  # each voter's share of the budget at the start
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


def count(
    costs: IntArray, budget: int, groups: Groups, voters: FloatArray, share: float, free: list[int], track: bool
) -> Count:
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
            return Count(share, selected, cost, held, over_budget=True, same_until=share)
    return Count(share, selected, cost, held, over_budget=False, same_until=same_until if track else share)


def _exhaustive(costs: IntArray, budget: int, voters: IntArray, run: Count) -> bool:
    chosen = np.zeros(len(costs), dtype=bool)
    chosen[[p for p, _ in run.selected]] = True
    return not np.any(~chosen & (voters > 0) & (costs <= budget - run.cost))


def add1(costs: IntArray, budget: int, groups: Groups, voters: IntArray, first_share: float, free: list[int]) -> Count:
    """Pabulib's equalshares/add1 (pabutools' voter_budget_increment=1): the share per voter raised by one unit
    and everything counted again while the outcome fits in the budget and some supported project could still be
    afforded; the last count that fits is kept (its `share` says at which share)."""
    weights = voters.astype(np.float64)
    step, run = 0, count(costs, budget, groups, weights, first_share, free, track=True)
    in_vain = 0  # tracked counts in a row that let no step be skipped
    while not _exhaustive(costs, budget, voters, run):
        # Every share below run.same_until counts the same: go straight to the first step that may not.
        ahead = run.same_until - first_share
        next_step = step + 1 if not np.isfinite(ahead) else max(step + 1, math.ceil(ahead - NEAR * (1 + ahead)))
        in_vain = 0 if next_step > step + 1 else in_vain + 1
        # Tracking doubles a count's time: where it skips nothing (many voters), try it only one step in eight.
        track = in_vain < 2 or next_step % 8 == 0
        bigger = count(costs, budget, groups, weights, first_share + next_step, free, track)
        if bigger.over_budget:
            if next_step > step + 1:  # the same outcome as `run`, with the prices of the last share that fits
                run = count(costs, budget, groups, weights, first_share + next_step - 1, free, track=False)
            return run
        step, run = next_step, bigger
    return run


def supporters_hold(groups: Groups, run: Count, project: int) -> float:
    """What a project's supporters hold between them at the end of a count."""
    span = slice(groups.start[project], groups.start[project + 1])
    return float(np.einsum("i,i->", run.held[groups.members[span]], groups.weight[span]))
