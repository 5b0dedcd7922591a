"""Literature instances on their own distance convention: CVRPLIB (VRPLIB `.vrp`, EUC_2D rounded to the nearest
integer per edge) and Solomon VRPTW (`.txt`, real Euclidean distances; travel time = distance)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from gisportal.routing.problem import Problem, Stop, Truck

# Solomon distances are real: the solver works in thousandths, travel rounded up so that a route it finds
# feasible stays feasible on the real distances; costs are reported on the real distances.
SOLOMON_SCALE = 1000
UNBOUNDED = 10**9


class InstanceError(ValueError):
    pass


@dataclass
class Instance:
    problem: Problem
    convention: str
    # The distances the literature's cost is computed on (None: the problem's own integer costs).
    real_distances: list[list[float]] | None = None
    real_durations: list[list[float]] | None = None


def read(path: Path) -> Instance:
    text = path.read_text()
    if "NODE_COORD_SECTION" in text:
        return read_vrplib(path.stem, text)
    if "CUST NO." in text.upper() or "CUSTOMER" in text.upper():
        return read_solomon(path.stem, text)
    raise InstanceError(f"{path.name}: neither a VRPLIB nor a Solomon instance")


def _euclidean(points: list[tuple[float, float]]) -> list[list[float]]:
    return [[math.hypot(ax - bx, ay - by) for bx, by in points] for ax, ay in points]


def read_vrplib(name: str, text: str) -> Instance:
    header = dict(re.findall(r"^\s*([A-Z_]+)\s*:\s*(.+?)\s*$", text, re.MULTILINE))
    if header.get("EDGE_WEIGHT_TYPE", "EUC_2D") != "EUC_2D":
        raise InstanceError(f"{name}: only EUC_2D distances are read")
    sections = _sections(text)
    coords = {int(r[0]): (float(r[1]), float(r[2])) for r in sections.get("NODE_COORD_SECTION", [])}
    demands = {int(r[0]): int(r[1]) for r in sections.get("DEMAND_SECTION", [])}
    depots = [int(r[0]) for r in sections.get("DEPOT_SECTION", []) if int(r[0]) > 0]
    if not coords or not depots or "CAPACITY" not in header:
        raise InstanceError(f"{name}: coordinates, depot or capacity missing")
    nodes = sorted(coords)
    index = {node: i for i, node in enumerate(nodes)}
    depot = index[depots[0]]
    # TSPLIB's nint: every edge rounded to the nearest integer.
    distances = [[int(d + 0.5) for d in row] for row in _euclidean([coords[n] for n in nodes])]
    capacity = int(header["CAPACITY"])
    stops = [Stop(id=n, location=index[n], demand=(demands.get(n, 0),)) for n in nodes if index[n] != depot]
    # The routes' count is free; the "k" in the name (or the bin-packing bound) is a lower bound.
    named = re.search(r"-k(\d+)", name)
    least = max(int(named.group(1)) if named else 0, math.ceil(sum(s.demand[0] for s in stops) / capacity))
    trucks = [Truck(i, depot, depot, (capacity,), (0, UNBOUNDED)) for i in range(least + max(3, least // 5))]
    return Instance(Problem(name, distances, stops, trucks), "EUC_2D, nearest integer per edge")


def read_solomon(name: str, text: str) -> Instance:
    lines = [line.split() for line in text.splitlines()]
    vehicles = next((i for i, row in enumerate(lines) if row[:1] == ["VEHICLE"]), None)
    numbers = [row for row in lines if row and all(_is_number(v) for v in row)]
    if vehicles is None or len(numbers) < 3:
        raise InstanceError(f"{name}: not a Solomon instance")
    count, capacity = (int(v) for v in numbers[0])
    rows = [[float(v) for v in row] for row in numbers[1:] if len(row) == 7]
    points = [(row[1], row[2]) for row in rows]
    real = _euclidean(points)
    scaled = [[math.ceil(d * SOLOMON_SCALE - 1e-9) for d in row] for row in real]
    depot = rows[0]
    shift = (int(depot[4] * SOLOMON_SCALE), int(depot[5] * SOLOMON_SCALE))
    stops = [
        Stop(
            id=int(row[0]),
            location=i,
            demand=(int(row[3]),),
            service=int(row[6] * SOLOMON_SCALE),
            windows=((int(row[4] * SOLOMON_SCALE), int(row[5] * SOLOMON_SCALE)),),
        )
        for i, row in enumerate(rows)
        if i > 0
    ]
    trucks = [Truck(i, 0, 0, (capacity,), shift) for i in range(count)]
    real_scaled = [[d * SOLOMON_SCALE for d in row] for row in real]
    problem = Problem(name, scaled, stops, trucks)
    return Instance(problem, "real Euclidean (2 decimals); travel time = distance", real, real_scaled)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _sections(text: str) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].endswith("_SECTION"):
            current = found.setdefault(words[0], [])
        elif words[0] == "EOF" or ":" in line:
            current = None
        elif current is not None:
            current.append(words)
    return found


def literature_cost(instance: Instance, check_cost: float) -> float:
    """The cost in the literature's unit (Solomon: distance, from the thousandths the check summed)."""
    return check_cost / SOLOMON_SCALE if instance.real_distances is not None else check_cost
