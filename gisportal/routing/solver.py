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
    data.add_job(
        [
            vroom.Job(
                stop.id,
                location=stop.location,
                default_service=stop.service,
                pickup=list(stop.demand),
                priority=stop.priority,
                skills=set(stop.skills) or None,
                time_windows=[vroom.TimeWindow(a, b) for a, b in stop.windows],
            )
            for stop in problem.stops
        ]
    )
    found = data.solve(exploration_level=exploration, nb_threads=threads, timeout=timedelta(seconds=seconds))
    return _solution(problem, found, time.monotonic() - started)


def _solution(problem: Problem, found: vroom.solution.Solution, seconds: float) -> Solution:
    demand = {stop.id: stop.demand for stop in problem.stops}
    costs = problem.costs or problem.durations
    routes = []
    table = found.routes
    for truck_id, steps in table.groupby("vehicle_id", sort=True):
        visits: list[Visit] = []
        breaks: list[tuple[int, int]] = []
        start = end = 0
        jobs = [int(i) for i in steps.loc[steps["type"] == "job", "id"]]
        load = [0] * len(demand[jobs[0]]) if jobs else []
        for _, step in steps.iterrows():
            if step["type"] == "start":
                start = int(step["arrival"])
            elif step["type"] == "end":
                end = int(step["arrival"])
            elif step["type"] == "break":
                breaks.append((len(visits), int(step["arrival"]) + int(step["waiting_time"])))
            elif step["type"] == "job":
                job = int(step["id"])
                load = [have + taken for have, taken in zip(load, demand[job], strict=True)]
                visits.append(Visit(job, int(step["arrival"]), tuple(load)))
        locations = [int(i) for i in steps.loc[steps["type"] != "break", "location_index"]]
        cost = sum(costs[a][b] for a, b in itertools.pairwise(locations))
        routes.append(Route(int(truck_id), visits, start, end, cost, breaks))
    unassigned = sorted(int(job._id) for job in found.unassigned)  # the bare C++ job: no `id` property
    return Solution(routes, unassigned, sum(r.cost for r in routes), seconds)
