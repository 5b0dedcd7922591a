"""An independent check of a solution: it recomputes every arrival from the matrix itself, never trusting the
solver's times, and lists each broken rule (capacity, time window, shift, skill, a stop served twice, waste not
unloaded at its disposal site). At a disposal site the truck empties every container bound for it that it holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gisportal.routing.problem import Problem, Route, Solution, Stop, Truck

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
        if route.visits and len(route.breaks) != len(truck.breaks):
            result.violations.append(f"truck {truck.id} takes {len(route.breaks)} of its {len(truck.breaks)} breaks")
        drive = _Drive(problem, truck, route, times, prices, result)
        drive.events_after(0)
        for done, visit in enumerate(route.visits, start=1):
            stop = stops.get(visit.stop_id)
            if stop is None or visit.stop_id in seen:
                result.violations.append(f"stop {visit.stop_id} unknown or served twice")
            else:
                seen.add(visit.stop_id)
                drive.collect(stop)
            drive.events_after(done)
        drive.finish()
    missing = set(stops) - seen - set(solution.unassigned)
    if missing:
        result.violations.append(f"stops neither served nor reported unassigned: {sorted(missing)}")
    result.served = len(seen)
    return result


class _Drive:
    """One truck's round replayed: the clock, where it is, what it holds."""

    def __init__(
        self,
        problem: Problem,
        truck: Truck,
        route: Route,
        times: Sequence[Sequence[float]],
        prices: Sequence[Sequence[float]],
        result: Check,
    ) -> None:
        self.problem, self.truck, self.times, self.prices, self.result = problem, truck, times, prices, result
        self.clock, self.here = float(max(route.start, truck.shift[0])), truck.start
        self.load = [0] * len(truck.capacity)
        self.aboard: list[Stop] = []
        self.overloaded = False
        # Breaks and trips to a disposal site after so many visits; the reported times only order two at one place.
        self.events: list[tuple[int, int, int, tuple[int, int, int] | None]] = [
            (done, at, site, None) for done, site, at in route.unloads
        ]
        self.events += [(done, at, -1, rule) for (done, at), rule in zip(route.breaks, truck.breaks, strict=False)]
        self.events.sort(key=lambda event: (event[0], event[1]))

    def go(self, location: int) -> None:
        self.clock += self.times[self.here][location]
        self.result.cost += self.prices[self.here][location]
        self.here = location

    def collect(self, stop: Stop) -> None:
        self.go(stop.location)
        if not stop.skills <= self.truck.skills:
            self.result.violations.append(f"stop {stop.id} needs skills truck {self.truck.id} lacks")
        if stop.windows:
            opening = next((a for a, b in sorted(stop.windows) if self.clock <= b + EPSILON), None)
            if opening is None:
                self.result.violations.append(f"stop {stop.id} reached at {self.clock:g}, after its time windows")
            else:
                self.clock = max(self.clock, opening)
        self.clock += stop.service
        self.load = [have + taken for have, taken in zip(self.load, stop.demand, strict=True)]
        self.aboard.append(stop)
        if not self.overloaded and any(h > c for h, c in zip(self.load, self.truck.capacity, strict=True)):
            self.overloaded = True
            self.result.violations.append(
                f"truck {self.truck.id} carries {self.load}, over its capacity {list(self.truck.capacity)}"
            )

    def events_after(self, done: int) -> None:
        """The breaks (each starts within its window and lasts its duration) and unloading after `done` visits."""
        while self.events and self.events[0][0] == done:
            _, _, site, rule = self.events.pop(0)
            if rule is not None:
                earliest, latest, duration = rule
                self.clock = max(self.clock, earliest)
                if self.clock > latest + EPSILON:
                    self.result.violations.append(
                        f"truck {self.truck.id} starts a break at {self.clock:g}, after {latest}"
                    )
                self.clock += duration
                continue
            self.go(site)
            self.clock += self.problem.unloading.get(site, 0)
            for emptied in [stop for stop in self.aboard if stop.site == site]:
                self.aboard.remove(emptied)
                self.load = [have - given for have, given in zip(self.load, emptied.demand, strict=True)]

    def finish(self) -> None:
        if self.events:
            self.result.violations.append(f"truck {self.truck.id} has breaks or unloading after visits it never made")
        if bound := sorted(stop.id for stop in self.aboard if stop.site is not None):
            self.result.violations.append(
                f"truck {self.truck.id} ends with stops {bound} not unloaded at their disposal site"
            )
        self.go(self.truck.end)
        if self.clock > self.truck.shift[1] + EPSILON:
            self.result.violations.append(
                f"truck {self.truck.id} back at {self.clock:g}, after its shift ends at {self.truck.shift[1]}"
            )
