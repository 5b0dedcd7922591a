"""The optimiser: VROOM (pyvroom) on a `Problem`, within a time budget."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import vroom

from gisportal.routing.problem import Problem, Route, Solution, Visit


def solve(problem: Problem, *, seconds: float = 10, threads: int = 2, exploration: int = 5) -> Solution:
    """Routes for the trucks through as many stops as fit (the higher priorities first), the cost minimised.

    Containers are pickups: a truck leaves empty and fills up on its way."""
    started = time.monotonic()
    data = vroom.Input()
    data.set_durations_matrix(profile="car", matrix_input=problem.durations)
    if problem.costs is not None:
        data.set_costs_matrix(profile="car", matrix_input=problem.costs)
    elif problem.unloading:
        # VROOM minimises travel time, not setups: the unloading time is added to every way into a site (not from the
        # site itself), so that a trip there costs what it takes and is made only when it is worth it.
        data.set_costs_matrix(profile="car", matrix_input=_with_unloading(problem.durations, problem.unloading))
    for truck in problem.trucks:
        data.add_vehicle(
            vroom.Vehicle(
                truck.id,
                start=truck.start,
                end=truck.end,
                capacity=list(truck.capacity),
                time_window=vroom.TimeWindow(*truck.shift),
                skills=set(truck.skills) or None,
                breaks=[
                    vroom.Break(n, time_windows=[vroom.TimeWindow(a, b)], service=d)
                    for n, (a, b, d) in enumerate(truck.breaks, start=1)
                ],
            )
        )
    for stop in problem.stops:
        windows = [vroom.TimeWindow(a, b) for a, b in stop.windows]
        skills = set(stop.skills) or None
        if stop.site is None:
            data.add_job(
                vroom.Job(
                    stop.id,
                    location=stop.location,
                    default_service=stop.service,
                    pickup=list(stop.demand),
                    priority=stop.priority,
                    skills=skills,
                    time_windows=windows,
                )
            )
        else:
            # A shipment from the container to its disposal site: VROOM then plans as many trips there as the
            # truck needs. The unloading time is a setup, which VROOM counts once per arrival at a place (several
            # containers emptied in one visit cost it once).
            data.add_shipment(
                vroom.ShipmentStep(stop.id, location=stop.location, default_service=stop.service, time_windows=windows),
                vroom.ShipmentStep(stop.id, location=stop.site, default_setup=problem.unloading.get(stop.site, 0)),
                amount=vroom.Amount(list(stop.demand)),
                skills=skills,
                priority=stop.priority,
            )
    found = data.solve(exploration_level=exploration, nb_threads=threads, timeout=timedelta(seconds=seconds))
    return _solution(problem, found, time.monotonic() - started)


def _with_unloading(durations: list[list[int]], unloading: dict[int, int]) -> list[list[int]]:
    return [
        [cost + (unloading.get(j, 0) if i != j else 0) for j, cost in enumerate(row)] for i, row in enumerate(durations)
    ]


def _solution(problem: Problem, found: vroom.solution.Solution, seconds: float) -> Solution:
    stops = {stop.id: stop for stop in problem.stops}
    trucks = {truck.id: truck for truck in problem.trucks}
    costs = problem.costs or problem.durations
    routes = []
    table = found.routes
    for truck_id, steps in table.groupby("vehicle_id", sort=True):
        visits: list[Visit] = []
        breaks: list[tuple[int, int]] = []
        unloads: list[tuple[int, int, int]] = []
        start = end = 0
        load = [0] * len(trucks[int(truck_id)].capacity)
        aboard: set[int] = set()
        previous = ""
        for _, step in steps.iterrows():
            kind = step["type"]
            if kind == "start":
                start = int(step["arrival"])
            elif kind == "end":
                end = int(step["arrival"])
            elif kind == "break":
                breaks.append((len(visits), int(step["arrival"]) + int(step["waiting_time"])))
            elif kind in ("job", "pickup"):
                stop = stops[int(step["id"])]
                load = [have + taken for have, taken in zip(load, stop.demand, strict=True)]
                aboard.add(stop.id)
                visits.append(Visit(stop.id, int(step["arrival"]), tuple(load)))
            elif kind == "delivery":
                site = int(step["location_index"])
                # VROOM hands over one shipment per step; at the site the truck empties all it holds for it.
                if previous != "delivery" or unloads[-1][1] != site:
                    unloads.append((len(visits), site, int(step["arrival"])))
                    emptied = {i for i in aboard if stops[i].site == site}
                    aboard -= emptied
                    for i in emptied:
                        load = [have - given for have, given in zip(load, stops[i].demand, strict=True)]
            if kind != "break":  # a break at the site does not end the visit (VROOM counts no second setup)
                previous = kind
        locations = [int(i) for i in steps.loc[steps["type"] != "break", "location_index"]]
        cost = sum(costs[a][b] for a, b in itertools.pairwise(locations))
        routes.append(Route(int(truck_id), visits, start, end, cost, breaks, unloads))
    unassigned = sorted({int(job._id) for job in found.unassigned})  # the bare C++ job: no `id` property
    return Solution(routes, unassigned, sum(r.cost for r in routes), seconds)
