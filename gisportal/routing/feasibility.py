"""An independent check of a solution: it recomputes every arrival from the matrix itself, never trusting the
solver's times, and lists each broken rule (capacity, time window, shift, skill, a stop served twice)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gisportal.routing.problem import Problem, Solution

EPSILON = 1e-6


@dataclass
class Check:
    violations: list[str] = field(default_factory=list)
    cost: float = 0.0
    served: int = 0

    @property
    def feasible(self) -> bool:
        return not self.violations


def check(
    problem: Problem,
    solution: Solution,
    *,
    durations: Sequence[Sequence[float]] | None = None,
    costs: Sequence[Sequence[float]] | None = None,
) -> Check:
    """`durations` and `costs` override the problem's integer matrices (e.g. the literature's real distances)."""
    times = durations if durations is not None else problem.durations
    prices = costs if costs is not None else (problem.costs or problem.durations)
    stops = {stop.id: stop for stop in problem.stops}
    trucks = {truck.id: truck for truck in problem.trucks}
    result = Check()
    seen: set[int] = set()
    used: set[int] = set()
    for route in solution.routes:
        truck = trucks.get(route.truck_id)
        if truck is None or route.truck_id in used:
            result.violations.append(f"truck {route.truck_id} unknown or used twice")
            continue
        used.add(route.truck_id)
        start = max(route.start, truck.shift[0])
        clock, here, load = float(start), truck.start, [0] * len(truck.capacity)
        if route.visits and len(route.breaks) != len(truck.breaks):
            result.violations.append(f"truck {truck.id} takes {len(route.breaks)} of its {len(truck.breaks)} breaks")
        pending = sorted(zip(route.breaks, truck.breaks, strict=False))
        clock = _take_breaks(clock, 0, pending, truck.id, result.violations)
        for done, visit in enumerate(route.visits, start=1):
            stop = stops.get(visit.stop_id)
            if stop is None or visit.stop_id in seen:
                result.violations.append(f"stop {visit.stop_id} unknown or served twice")
                continue
            seen.add(visit.stop_id)
            if not stop.skills <= truck.skills:
                result.violations.append(f"stop {stop.id} needs skills truck {truck.id} lacks")
            clock += times[here][stop.location]
            result.cost += prices[here][stop.location]
            if stop.windows:
                opening = next((a for a, b in sorted(stop.windows) if clock <= b + EPSILON), None)
                if opening is None:
                    result.violations.append(f"stop {stop.id} reached at {clock:g}, after its time windows")
                else:
                    clock = max(clock, opening)
            clock += stop.service
            load = [have + taken for have, taken in zip(load, stop.demand, strict=True)]
            here = stop.location
            clock = _take_breaks(clock, done, pending, truck.id, result.violations)
        if any(have > limit for have, limit in zip(load, truck.capacity, strict=True)):
            result.violations.append(f"truck {truck.id} carries {load}, over its capacity {list(truck.capacity)}")
        clock += times[here][truck.end]
        result.cost += prices[here][truck.end]
        if clock > truck.shift[1] + EPSILON:
            result.violations.append(f"truck {truck.id} back at {clock:g}, after its shift ends at {truck.shift[1]}")
    missing = set(stops) - seen - set(solution.unassigned)
    if missing:
        result.violations.append(f"stops neither served nor reported unassigned: {sorted(missing)}")
    result.served = len(seen)
    return result


def _take_breaks(
    clock: float,
    done: int,
    pending: list[tuple[tuple[int, int], tuple[int, int, int]]],
    truck_id: int,
    violations: list[str],
) -> float:
    """The breaks the route takes after `done` visits: each starts within its window and lasts its duration."""
    while pending and pending[0][0][0] == done:
        _, (earliest, latest, duration) = pending.pop(0)
        clock = max(clock, earliest)
        if clock > latest + EPSILON:
            violations.append(f"truck {truck_id} starts a break at {clock:g}, after {latest}")
        clock += duration
    return clock
