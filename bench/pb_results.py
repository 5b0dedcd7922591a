"""Benchmark: the results of a participatory budget, the portal's counting rules against pabutools alone.

    make bench-pb                # or: .venv/bin/python bench/pb_results.py [--ballots N] [--cap SECONDS]

A seeded election like a large city's: 200 projects costing 5,000 to 500,000 (log-uniform, rounded to 100),
100,000 approval ballots of 1 to 10 projects each, popularity skewed (lognormal weights), and a budget of a
quarter of what all the projects cost. The same ballots are counted by `gisportal.budgeting.rules` (numpy) and
by pabutools (`greedy_utilitarian_welfare`, `method_of_equal_shares` with cost satisfaction, add1 as
`voter_budget_increment=1`), with the same tie-breaking. Times are the rule's call alone (pabutools' profile
of ballot objects is built beforehand, not counted); ours is the median of --runs, pabutools' a single run in
a child process stopped at --cap seconds. Add1 in pabutools counts the election again for each unit added to
every voter's share, in exact fractions: on 100,000 ballots it does not finish within the cap, so it is also
measured on a twentieth of the election (a twentieth of the ballots, the costs and the budget: the same share
per voter, so as many add1 steps).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time

import numpy as np

from gisportal.budgeting import pabutools_reference, rules

SEED = 2024
PROJECTS = 200


def election(ballots: int, scale: int = 1) -> tuple[np.ndarray, int, rules.Ballots]:
    """The seeded election; `scale` divides the ballots (the first n/scale), the costs and the budget."""
    rng = np.random.default_rng(SEED)
    costs = (np.round(np.exp(rng.uniform(np.log(5_000), np.log(500_000), PROJECTS)) / 100) * 100).astype(np.int64)
    popularity = rng.lognormal(0, 1.0, PROJECTS)
    lengths = rng.integers(1, 11, ballots)
    choices = [rng.choice(PROJECTS, size=k, replace=False, p=popularity / popularity.sum()) for k in lengths]
    budget = int(costs.sum() // 4)
    return costs // scale, budget // scale, rules.Ballots.from_lists(choices[: ballots // scale])


Seconds = tuple[float, float]  # wall, CPU of the process


def ours(rule: str, costs: np.ndarray, budget: int, ballots: rules.Ballots, runs: int) -> tuple[Seconds, rules.Outcome]:
    def count() -> rules.Outcome:
        if rule == "greedy":
            return rules.greedy(costs, budget, ballots)
        return rules.equal_shares(costs, budget, ballots, add1=rule == "add1")

    wall, cpu, outcome = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        outcome = count()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert outcome is not None
    return (statistics.median(wall), statistics.median(cpu)), outcome


def _pabutools_child(rule: str, costs: np.ndarray, budget: int, ballots: rules.Ballots, answer: object) -> None:
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    instance, profile, order = pabutools_reference.election(costs, budget, ballots)
    started, started_cpu = time.perf_counter(), time.process_time()
    if rule == "greedy":
        winners = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=order)
    else:
        increment = 1 if rule == "add1" else None
        winners = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, tie_breaking=order, voter_budget_increment=increment
        )
    seconds = (time.perf_counter() - started, time.process_time() - started_cpu)
    answer.send((seconds, [int(p.name) for p in winners]))  # type: ignore[attr-defined]


def pabutools(
    rule: str, costs: np.ndarray, budget: int, ballots: rules.Ballots, cap: float
) -> tuple[Seconds | None, list[int] | None]:
    """pabutools' seconds and winners, or (None, None) when it did not finish within `cap` seconds."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_pabutools_child, args=(rule, costs, budget, ballots, send))
    child.start()
    send.close()  # the child's end only: a child that dies ends the wait
    try:
        result = receive.recv() if receive.poll(cap) else (None, None)
    except EOFError:
        child.join()
        raise SystemExit(f"pabutools ({rule}) failed: exit code {child.exitcode}") from None
    if result[0] is None:
        child.terminate()
    child.join()
    return result


ROWS: list[tuple[str, str, int]] = [
    ("greedy by votes", "greedy", 1),
    ("equal shares (no completion)", "mes", 1),
    ("equal shares + add1", "add1", 1),
    ("equal shares + add1, 1/20", "add1", 20),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of our rules (the median is shown)")
    parser.add_argument("--cap", type=float, default=600, help="seconds pabutools may take for one count")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    table = []
    for label, rule, scale in ROWS:
        costs, budget, ballots = election(args.ballots, scale)
        print(f"{label}: {len(ballots):,} ballots, budget {budget:,} …", flush=True)
        mine, outcome = ours(rule, costs, budget, ballots, args.runs)
        steps = "" if rule != "add1" else f"{round((outcome.share_per_voter or 0) - budget / len(ballots))}"
        print(f"  ours {mine[0]:.2f} s, {len(outcome.selected)} projects", flush=True)
        theirs, their_winners = pabutools(rule, costs, budget, ballots, args.cap)
        if their_winners is None:
            same = "not finished"
        else:
            same = "yes" if their_winners == list(outcome.selected) else f"NO ({len(their_winners)} projects)"
        print(f"  pabutools {f'>{args.cap:.0f}' if theirs is None else f'{theirs[0]:.1f}'} s", flush=True)
        table.append((label, len(ballots), steps, mine, theirs, same))
    load = max(load, os.getloadavg()[0])

    print(f"\n{PROJECTS} projects, approval ballots of 1-10 projects; seconds of the rule's call, wall and CPU")
    print(f"(ours: median of {args.runs} runs; pabutools: one run, stopped after {args.cap:.0f} s); load average up to")
    print(f"{load:.1f} on {os.cpu_count()} cores; same winners = the same projects in the same order")
    print(
        f"{'count':30} {'ballots':>8} {'add1 steps':>10} {'ours s':>7} {'CPU':>6} {'pabutools s':>12} {'CPU':>7}"
        f" {'ratio':>7} {'same winners':>13}"
    )
    for label, count, steps, mine, theirs, same in table:
        their_wall, their_cpu = (f">{args.cap:.0f}", "") if theirs is None else (f"{theirs[0]:.1f}", f"{theirs[1]:.1f}")
        ratio = f">{args.cap / mine[0]:.0f}x" if theirs is None else f"{theirs[1] / mine[1]:.0f}x"
        print(
            f"{label:30} {count:8,} {steps:>10} {mine[0]:7.2f} {mine[1]:6.2f} {their_wall:>12} {their_cpu:>7}"
            f" {ratio:>7} {same:>13}"
        )
    print("1/20: the first twentieth of the ballots, costs and budget divided by 20 (the same share per voter, as")
    print("many add1 steps: the units added to each voter's share); ratio: pabutools' CPU time over ours (wall time,")
    print("a lower bound, where pabutools was stopped)")


if __name__ == "__main__":
    main()
