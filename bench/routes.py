"""Benchmark: the collection route optimiser (VROOM through gisportal.routing) against PyVRP, the literature's
reference, on CVRPLIB X and Solomon instances with best-known costs.

    make bench-routes            # or: .venv/bin/python bench/routes.py [--seconds 10] [--only NAME ...] [--pilot CODE]

Both solvers get the same problem (the same integer matrices: X on nearest-integer Euclidean distances, Solomon
in thousandths of its real distances with travel rounded up), the same trucks and the same time budget, on one
thread each. Every solution is checked by `gisportal.routing.feasibility` (not by the solver) and costed on the
instance's own convention; the gap is to the best-known cost (`bench/data/vrp/best_known.json`).

Then, if the portal's database holds the demo (`make demo`), a pilot on its own street network (Tozeur by
default): the graph rebuilt, the travel matrix computed (cache emptied first) and the optimisation of all its
containers in service, each timed. It reads the database and writes only the network, its matrix and one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pyvrp
from pyvrp.stop import MaxRuntime

from gisportal.routing import feasibility, instances, solver
from gisportal.routing.problem import Problem, Route, Solution, Visit

DATA = Path(__file__).parent / "data" / "vrp"
NAMES = ("X-n101-k25", "X-n106-k14", "X-n148-k46", "X-n251-k28", "X-n303-k21", "C101", "R101", "RC101", "R201")


def pyvrp_solve(problem: Problem, seconds: float) -> Solution:
    """The same problem in PyVRP's model: one depot, the stops as clients, one vehicle type."""
    started = time.monotonic()
    model = pyvrp.Model()
    depot_location = problem.trucks[0].start
    size = len(problem.durations)
    locations = [model.add_location(x=0, y=0) for _ in range(size)]
    model.add_depot(locations[depot_location])
    client_stop: dict[int, int] = {}
    for stop in problem.stops:
        early, late = stop.windows[0] if stop.windows else (0, instances.UNBOUNDED)
        model.add_client(
            locations[stop.location],
            delivery=list(stop.demand),
            service_duration=stop.service,
            tw_early=early,
            tw_late=late,
        )
        client_stop[len(client_stop)] = stop.id
    truck = problem.trucks[0]
    model.add_vehicle_type(
        num_available=len(problem.trucks),
        capacity=list(truck.capacity),
        tw_early=truck.shift[0],
        tw_late=truck.shift[1],
    )
    costs = problem.costs or problem.durations
    for i in range(size):
        for j in range(size):
            if i != j:
                model.add_edge(locations[i], locations[j], distance=costs[i][j], duration=problem.durations[i][j])
    result = model.solve(stop=MaxRuntime(seconds), display=False, seed=1)
    routes = []
    for number, route in enumerate(result.best.routes()):
        # A client activity's index is the client's, in the order they were added.
        visits = [Visit(client_stop[act.idx], 0, ()) for act in route if act.is_client()]
        routes.append(Route(problem.trucks[number].id, visits, truck.shift[0], 0))
    return Solution(routes, [], 0, time.monotonic() - started)


def measure(name: str, seconds: float) -> list[tuple[str, str, float, float, float, bool]]:
    path = next(DATA.glob(f"{name}.*[vt][rx][pt]"))
    instance = instances.read(path)
    best = json.loads((DATA / "best_known.json").read_text())[name]
    rows = []
    for label, run in (("ours (VROOM)", lambda p: solver.solve(p, seconds=seconds, threads=1)), ("PyVRP", None)):
        solution = run(instance.problem) if run else pyvrp_solve(instance.problem, seconds)
        checked = feasibility.check(
            instance.problem,
            solution,
            durations=instance.real_durations,
            costs=instance.real_durations if instance.real_distances is not None else None,
        )
        cost = instances.literature_cost(instance, checked.cost)
        feasible = checked.feasible and not solution.unassigned
        rows.append((name, label, cost, round(100 * (cost - best) / best, 2) + 0.0, solution.seconds, feasible))
    return rows


def pilot(code: str, seconds: float) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gisportal.settings")
    django.setup()
    from django.db import OperationalError

    from gisportal.routing import network, planning
    from gisportal.routing.models import OptimisationRun, RoadNetwork, TravelMatrix
    from layers.models import Municipality

    try:
        municipality = Municipality.objects.filter(code=code, road_segments__isnull=False).distinct().first()
    except OperationalError as error:
        print(f"pilot {code}: no database ({error.__class__.__name__}; start it with gisportal db start): skipped")
        return
    if municipality is None:
        print(f"pilot {code}: no streets in the database (run make demo first): skipped")
        return
    RoadNetwork.objects.filter(municipality=municipality).update(signature="")
    TravelMatrix.objects.filter(network__municipality=municipality).delete()
    started = time.monotonic()
    net = network.ensure_network(municipality)
    built = time.monotonic() - started
    run = OptimisationRun.objects.create(
        municipality=municipality, parameters={"trucks": 8, "capacity": 12_000, "seconds": seconds}
    )
    started = time.monotonic()
    planning.plan(run, lambda done, stage: None)
    total = time.monotonic() - started
    run.status = OptimisationRun.Status.DONE
    run.save()
    proposal = run.proposal
    print(
        f"pilot {municipality.name_fr}: network {net.edges:,} edges, {net.nodes:,} nodes, {net.components} parts "
        f"built in {built:.1f} s; {sum(len(r['stops']) for r in proposal['routes'])} containers served "
        f"({len(proposal['unassigned'])} not); matrix {proposal['matrix_seconds']:.1f} s, solve "
        f"{proposal['solve_seconds']:.1f} s, whole run {total:.1f} s; {proposal['trucks']} routes, "
        f"{proposal['km']} km vs today's {run.current['routes']} routes, {run.current['km']} km; "
        f"{len({tuple(r['days']) for r in proposal['routes']})} day problems (containers by their routes' days), "
        f"{proposal['km_week']} km a week vs today's {run.current['km_week']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--only", nargs="*", default=list(NAMES))
    parser.add_argument("--pilot", default="6211", help="municipality code for the street-network run ('' for none)")
    args = parser.parse_args()
    best = json.loads((DATA / "best_known.json").read_text())
    rows = []
    for name in args.only:
        rows.extend(measure(name, args.seconds))
        print(f"{name} done", flush=True)
    print("\n| instance | stops | best known | solver | cost | gap | seconds | feasible |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for name, label, cost, gap, seconds, feasible in rows:
        stops = len(instances.read(next(DATA.glob(f"{name}.*[vt][rx][pt]"))).problem.stops)
        print(
            f"| {name} | {stops} | {best[name]:,} | {label} | {cost:,.2f} | {gap:.2f} % | {seconds:.1f} | "
            f"{'yes' if feasible else 'NO'} |"
        )
    for label in ("ours (VROOM)", "PyVRP"):
        gaps = [row[3] for row in rows if row[1] == label]
        times = [row[4] for row in rows if row[1] == label]
        print(
            f"{label}: median gap {statistics.median(gaps):.2f} %, worst {max(gaps):.2f} %, "
            f"median {statistics.median(times):.1f} s, {sum(1 for r in rows if r[1] == label and r[5])}/{len(gaps)} "
            "feasible"
        )

    if args.pilot:
        pilot(args.pilot, args.seconds)


if __name__ == "__main__":
    main()
