"""Several depots, trips to a disposal site whenever the truck is full, and weight beside volume: hand-made instances
whose optimum is found by enumeration (every order and every place to unload, kept if the independent check passes),
never by asking the solver."""

import itertools
import math

from gisportal.routing import feasibility, solver
from gisportal.routing.problem import Problem, Route, Solution, Stop, Truck, Visit
from tests.routing.test_solver import enumerated_optimum, grid_matrix, solved


def one_truck_optimum(problem: Problem) -> float:
    """One truck: every order of the stops, unloading after any of them (always at the end), at the site of the
    stops on board; the cheapest round the check passes."""
    truck = problem.trucks[0]
    sites = {stop.site for stop in problem.stops}
    assert len(sites) == 1
    site = next(iter(sites))
    assert site is not None
    best = math.inf
    for order in itertools.permutations(problem.stops):
        n = len(order)
        for cuts in itertools.product((False, True), repeat=n - 1):
            unloads = [(k, site, 0) for k in range(1, n) if cuts[k - 1]] + [(n, site, 0)]
            route = Route(truck.id, [Visit(s.id, 0, ()) for s in order], truck.shift[0], 0, unloads=unloads)
            checked = feasibility.check(problem, Solution([route]))
            if checked.feasible:
                best = min(best, checked.cost)
    return best


def test_a_full_truck_unloads_at_the_disposal_site_and_carries_on_at_the_known_optimum():
    # Depot at the origin, the landfill north of it, two containers east and two west; the truck holds two.
    points = [(0, 0), (0, 5), (4, 0), (5, 0), (-4, 0), (-5, 0)]
    problem = Problem(
        "two-trips",
        grid_matrix(points),
        [Stop(i, i, (1,), service=10, site=1) for i in range(2, 6)],
        [Truck(1, 0, 0, (2,), (0, 10_000))],
        unloading={1: 300},
    )
    solution, checked = solved(problem)
    assert checked.feasible, checked.violations
    assert not solution.unassigned
    assert checked.cost == solution.cost == one_truck_optimum(problem)
    (route,) = solution.routes
    # Two trips: one cluster, the landfill, the other cluster, the landfill, home.
    assert [(done, site) for done, site, _ in route.unloads] == [(2, 1), (4, 1)]
    assert {frozenset(v.stop_id for v in route.visits[:2]), frozenset(v.stop_id for v in route.visits[2:])} == {
        frozenset({2, 3}),
        frozenset({4, 5}),
    }
    assert [v.load_after for v in route.visits] == [(1,), (2,), (1,), (2,)]  # empty again after the landfill
    # The second trip starts after the unloading time: its first arrival is at least 300 s after the first unload.
    assert route.visits[2].arrival >= route.unloads[0][2] + 300


def test_without_the_disposal_site_one_trip_serves_only_what_fits():
    points = [(0, 0), (4, 0), (5, 0), (-4, 0), (-5, 0)]
    problem = Problem(
        "one-trip", grid_matrix(points), [Stop(i, i, (1,)) for i in range(1, 5)], [Truck(1, 0, 0, (2,), (0, 10_000))]
    )
    solution, checked = solved(problem)
    assert checked.feasible and len(solution.unassigned) == 2


def test_the_shift_limits_the_trips():
    # Each trip takes ~100+ s of driving and 300 s of unloading; a shift of 600 s allows one trip only.
    points = [(0, 0), (0, 5), (4, 0), (5, 0), (-4, 0), (-5, 0)]
    problem = Problem(
        "short-shift",
        grid_matrix(points),
        [Stop(i, i, (1,), site=1, priority=100 if i in (4, 5) else 10) for i in range(2, 6)],
        [Truck(1, 0, 0, (2,), (0, 600))],
        unloading={1: 300},
    )
    solution, checked = solved(problem)
    assert checked.feasible, checked.violations
    assert solution.unassigned == [2, 3]  # the higher priorities, west, are kept


def test_each_container_goes_to_its_own_disposal_site():
    # Two landfills, far east and far west; a truck collecting both sides unloads at each.
    points = [(0, 0), (20, 0), (-20, 0), (5, 0), (-5, 0)]
    problem = Problem(
        "two-sites",
        grid_matrix(points),
        [Stop(3, 3, (1,), site=1), Stop(4, 4, (1,), site=2)],
        [Truck(1, 0, 0, (5,), (0, 10_000))],
        unloading={1: 60, 2: 60},
    )
    solution, checked = solved(problem)
    assert checked.feasible, checked.violations
    assert sorted(site for _, site, _ in solution.routes[0].unloads) == [1, 2]
    # Leaving one of them out is caught by the check.
    broken = solution.routes[0]
    broken.unloads = broken.unloads[:1]
    assert "not unloaded at their disposal site" in " ".join(feasibility.check(problem, solution).violations)


def test_each_truck_starts_and_ends_at_its_own_depot():
    # Two depots 30 apart, three containers beside each; either truck could do everything, but not cheaply.
    points = [(0, 0), (30, 0), (1, 1), (1, -1), (-1, 0), (31, 1), (31, -1), (29, 0)]
    problem = Problem(
        "two-depots",
        grid_matrix(points),
        [Stop(i, i, (1,)) for i in range(2, 8)],
        [Truck(1, 0, 0, (6,), (0, 10_000)), Truck(2, 1, 1, (6,), (0, 10_000))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    assert checked.cost == solution.cost == enumerated_optimum(problem)
    served = {r.truck_id: {v.stop_id for v in r.visits} for r in solution.routes}
    assert served == {1: {2, 3, 4}, 2: {5, 6, 7}}


def test_weight_binds_before_volume():
    # Litres and kilograms: the three containers fit one truck by volume (3 x 600 <= 2000) but not by weight
    # (3 x 400 > 1000): two trucks, the nearest container alone.
    points = [(0, 0), (5, 0), (6, 0), (7, 0)]
    problem = Problem(
        "weight",
        grid_matrix(points),
        [Stop(1, 1, (600, 400)), Stop(2, 2, (600, 400)), Stop(3, 3, (600, 400))],
        [Truck(1, 0, 0, (2000, 1000), (0, 10_000)), Truck(2, 0, 0, (2000, 1000), (0, 10_000))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    assert len([r for r in solution.routes if r.visits]) == 2
    assert checked.cost == solution.cost == enumerated_optimum(problem)
    assert all(r.visits[-1].load_after[1] <= 1000 for r in solution.routes)
    # One truck with everything is over its weight, and the check says so.
    together = Solution([Route(1, [Visit(i, 0, ()) for i in (1, 2, 3)], 0, 0)])
    assert any("over its capacity" in v for v in feasibility.check(problem, together).violations)


def test_a_break_at_the_disposal_site_is_taken_in_the_order_reported():
    points = [(0, 0), (0, 5), (4, 0), (5, 0)]
    problem = Problem(
        "break-at-site",
        grid_matrix(points),
        [Stop(2, 2, (1,), site=1), Stop(3, 3, (1,), site=1)],
        [Truck(1, 0, 0, (1,), (0, 10_000), breaks=((0, 10_000, 600),))],
        unloading={1: 100},
    )
    solution = solver.solve(problem, seconds=2, threads=1)
    checked = feasibility.check(problem, solution)
    assert checked.feasible, checked.violations
    assert len(solution.routes[0].unloads) == 2  # the truck holds one container at a time


def test_a_truck_with_room_does_not_stop_to_unload_on_its_way():
    # The landfill lies between the two containers: passing it costs no detour, unloading there costs 300 s.
    points = [(0, 0), (5, 0), (3, 0), (7, 0)]
    problem = Problem(
        "on-the-way",
        grid_matrix(points),
        [Stop(2, 2, (1,), site=1), Stop(3, 3, (1,), site=1)],
        [Truck(1, 0, 0, (5,), (0, 10_000))],
        unloading={1: 300},
    )
    solution, checked = solved(problem)
    assert checked.feasible, checked.violations
    assert len(solution.routes[0].unloads) == 1 and solution.cost == 140
