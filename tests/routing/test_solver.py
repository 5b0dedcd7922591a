"""The optimiser on small hand-made instances whose optimum is known (by enumeration here, independently of the
solver), every solution checked by the independent feasibility check; and the literature readers and CLI."""

import itertools
import math
from io import StringIO

import pytest
from django.core.management import call_command

from gisportal.routing import feasibility, instances, solver
from gisportal.routing.problem import Problem, Route, Solution, Stop, Truck, Visit


def grid_matrix(points: list[tuple[int, int]]) -> list[list[int]]:
    return [[round(10 * math.hypot(ax - bx, ay - by)) for bx, by in points] for ax, ay in points]


def enumerated_optimum(problem: Problem) -> float:
    """Every order of the stops cut into at most one route per truck, kept if the check passes: the optimum."""
    best = math.inf
    ids = [stop.id for stop in problem.stops]
    trucks = problem.trucks
    for order in itertools.permutations(ids):
        for cuts in itertools.combinations(range(1, len(order)), len(trucks) - 1):
            pieces = [order[a:b] for a, b in zip((0, *cuts), (*cuts, len(order)), strict=True)]
            routes = [
                Route(truck.id, [Visit(i, 0, ()) for i in piece], truck.shift[0], 0)
                for truck, piece in zip(trucks, pieces, strict=True)
                if piece
            ]
            checked = feasibility.check(problem, Solution(routes))
            if checked.feasible:
                best = min(best, checked.cost)
    return best


def solved(problem: Problem) -> tuple[Solution, feasibility.Check]:
    solution = solver.solve(problem, seconds=5, threads=1)
    return solution, feasibility.check(problem, solution)


def test_one_truck_along_a_street_goes_to_the_end_and_back():
    points = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)]
    problem = Problem(
        "line",
        grid_matrix(points),
        [Stop(i, i, (1,)) for i in range(1, 5)],
        [Truck(1, 0, 0, (10,), (0, 1000))],
    )
    solution, checked = solved(problem)
    assert checked.feasible and solution.cost == checked.cost == 80
    assert [v.stop_id for v in solution.routes[0].visits] in ([1, 2, 3, 4], [4, 3, 2, 1])
    assert solution.routes[0].visits[-1].load_after == (4,)


def test_capacity_splits_the_round_at_the_known_optimum():
    # Two clusters of three containers east and west of the depot; a truck holds three.
    points = [(0, 0), (5, 1), (6, 0), (5, -1), (-5, 1), (-6, 0), (-5, -1)]
    problem = Problem(
        "two-clusters",
        grid_matrix(points),
        [Stop(i, i, (1,)) for i in range(1, 7)],
        [Truck(1, 0, 0, (3,), (0, 10_000)), Truck(2, 0, 0, (3,), (0, 10_000))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    assert checked.cost == solution.cost == enumerated_optimum(problem)
    assert {frozenset(v.stop_id for v in r.visits) for r in solution.routes} == {
        frozenset({1, 2, 3}),
        frozenset({4, 5, 6}),
    }


def test_a_market_street_in_the_morning_changes_the_order():
    # The far stop must be served first: its window closes early.
    points = [(0, 0), (1, 0), (2, 0), (8, 0)]
    problem = Problem(
        "market",
        grid_matrix(points),
        [Stop(1, 1, (1,), service=5), Stop(2, 2, (1,), service=5), Stop(3, 3, (1,), service=5, windows=((0, 85),))],
        [Truck(1, 0, 0, (10,), (0, 1000))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    assert solution.routes[0].visits[0].stop_id == 3
    assert solution.routes[0].visits[0].arrival == 80
    assert checked.cost == enumerated_optimum(problem) == 160


def test_when_not_all_fit_the_higher_priority_stop_is_kept_and_the_crane_truck_serves_the_large_bin():
    points = [(0, 0), (1, 0), (-1, 0), (0, 1)]
    crane = 1
    problem = Problem(
        "priority",
        grid_matrix(points),
        [
            Stop(1, 1, (1,), priority=0),
            Stop(2, 2, (1,), priority=90),
            Stop(3, 3, (1,), priority=50, skills=frozenset({crane})),
        ],
        [Truck(1, 0, 0, (1,), (0, 1000)), Truck(2, 0, 0, (1,), (0, 1000), skills=frozenset({crane}))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    assert solution.unassigned == [1]
    served_by = {v.stop_id: r.truck_id for r in solution.routes for v in r.visits}
    assert served_by == {2: 1, 3: 2}


def test_the_check_finds_every_broken_rule():
    points = [(0, 0), (1, 0), (5, 0)]
    problem = Problem(
        "broken",
        grid_matrix(points),
        [Stop(1, 1, (3,)), Stop(2, 2, (3,), windows=((0, 20),), skills=frozenset({7}))],
        [Truck(1, 0, 0, (5,), (0, 90))],
    )
    late = Solution([Route(1, [Visit(1, 0, ()), Visit(2, 0, ()), Visit(2, 0, ())], 0, 0)])
    violations = " | ".join(feasibility.check(problem, late).violations)
    assert "served twice" in violations
    assert "after its time windows" in violations
    assert "over its capacity" in violations
    assert "needs skills" in violations
    assert "after its shift" in violations  # 10 + 40 + 50 = 100 > 90
    assert "neither served" in feasibility.check(problem, Solution([])).violations[0]


VRPLIB = """NAME : tiny-n5-k2
TYPE : CVRP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 2
NODE_COORD_SECTION
1 0 0
2 3 4
3 3 -4
4 -3 4
5 -3 -4
DEMAND_SECTION
1 0
2 1
3 1
4 1
5 1
DEPOT_SECTION
1
-1
EOF
"""

SOLOMON = """TINY

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        100          0
    1      1          1          1          0        100          1
    2      2          2          1         50         60          1
"""


def test_literature_instances_are_solved_on_their_own_distance_convention(tmp_path):
    vrp = tmp_path / "tiny-n5-k2.vrp"
    vrp.write_text(VRPLIB)
    instance = instances.read(vrp)
    assert instance.problem.durations[0][1] == 5  # 3-4-5, an integer already
    out = StringIO()
    call_command("optimise_routes", instance=vrp, seconds=2, stdout=out)
    # Each truck takes the two stops at the same height: 5 + 6 + 5 twice.
    assert "tiny-n5-k2: cost 32.00" in out.getvalue() and "2 routes" in out.getvalue()
    assert "feasible" in out.getvalue()

    txt = tmp_path / "TINY.txt"
    txt.write_text(SOLOMON)
    out = StringIO()
    call_command("optimise_routes", instance=txt, seconds=2, stdout=out)
    # 0 -> 1 -> 2 -> 0 on real distances: sqrt(2) twice and sqrt(8); waiting for 2's window costs no distance.
    assert f"TINY: cost {2 * math.sqrt(2) + math.sqrt(8):.2f}" in out.getvalue()
    assert "1 routes" in out.getvalue()


def test_a_file_that_is_no_instance_is_refused(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(Exception, match="neither a VRPLIB nor a Solomon"):
        call_command("optimise_routes", instance=bad)


def test_the_crew_takes_its_break_within_its_window_and_the_check_sees_one_taken_late():
    points = [(0, 0), (5, 0), (5, 5)]
    problem = Problem(
        "break",
        grid_matrix(points),
        [Stop(1, 1, (1,), service=10), Stop(2, 2, (1,), service=10)],
        [Truck(1, 0, 0, (5,), (0, 1000), breaks=((60, 80, 30),))],
    )
    solution, checked = solved(problem)
    assert checked.feasible
    (taken,) = solution.routes[0].breaks
    assert 60 <= taken[1] <= 80
    assert checked.cost == solution.cost == 50 + 50 + 71  # the break costs time, not distance
    late = Solution([Route(1, [Visit(1, 0, ()), Visit(2, 0, ())], 0, 0, breaks=[(2, 0)])])
    assert any("after 80" in v for v in feasibility.check(problem, late).violations)
    skipped = Solution([Route(1, [Visit(1, 0, ()), Visit(2, 0, ())], 0, 0)])
    assert any("0 of its 1 breaks" in v for v in feasibility.check(problem, skipped).violations)
