"""A municipality's collection plan: its containers, depot and trucks turned into a `Problem` on its street network
(or the labelled straight-line fallback), solved, and laid out as routes on the streets beside today's routes."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import time as clock_time
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.routing import conf, network, solver
from gisportal.routing.models import OptimisationRun
from gisportal.routing.problem import Problem, Solution, Stop, Truck
from layers.models import CollectionRoute, Complaint, District, Municipality, ServicePoint

# Skill 1: a crane truck, needed for the large bins.
CRANE = 1
LARGE_BIN_LITRES = 1100
# An open complaint about uncollected waste this close to a container raises its priority.
OVERDUE_RADIUS_M = 100
MARKET_RADIUS_M = 150
DEPOT_KINDS = (ServicePoint.Kind.TRANSFER_STATION, ServicePoint.Kind.LANDFILL, ServicePoint.Kind.MUNICIPAL_OFFICE)
DISPOSAL_KINDS = (ServicePoint.Kind.TRANSFER_STATION, ServicePoint.Kind.LANDFILL)
UNREACHABLE = 10**7

Progress = Callable[[int, str], None]


class PlanningError(ValueError):
    pass


def _minutes(text: str) -> int:
    try:
        parsed = clock_time.fromisoformat(text)
    except (TypeError, ValueError) as error:
        raise PlanningError(_("Give the shift's times as HH:MM.")) from error
    return parsed.hour * 60 + parsed.minute


@dataclass
class Parameters:
    selection: str = "all"  # all, district, overdue
    district: int | None = None
    depot: int | None = None  # a service point; none: the middle of the municipality
    disposal: int | None = None  # where the trucks unload at the end (landfill, transfer station); none: the depot
    trucks: int = 3
    crane_trucks: int = 0
    capacity: int = 12_000  # litres
    shift_start: str = "06:00"
    shift_end: str = "12:00"
    service_seconds: int = 120
    break_start: str = "09:00"
    break_end: str = "10:00"
    break_minutes: int = 0  # none
    days: list[int] = field(default_factory=lambda: [1, 3, 5])
    seconds: float = 10

    @classmethod
    def clean(cls, data: dict[str, Any], *, municipality: Municipality) -> Parameters:
        """Checked against the municipality: a district or depot of another one is refused."""
        given = {k: v for k, v in data.items() if v is not None and k in cls.__dataclass_fields__}
        found = cls(**given)
        if found.selection not in ("all", "district", "overdue"):
            raise PlanningError(_("Choose all containers, a district or the overdue ones."))
        if (
            found.selection == "district"
            and not District.objects.filter(pk=found.district or 0, municipality=municipality).exists()
        ):
            raise PlanningError(_("Choose one of the municipality's districts."))
        if (
            found.depot is not None
            and not ServicePoint.objects.filter(
                pk=found.depot, municipality=municipality, kind__in=DEPOT_KINDS
            ).exists()
        ):
            raise PlanningError(_("Choose a depot of the municipality."))
        if (
            found.disposal is not None
            and not ServicePoint.objects.filter(
                pk=found.disposal, municipality=municipality, kind__in=DISPOSAL_KINDS
            ).exists()
        ):
            raise PlanningError(_("Choose a landfill or transfer station of the municipality."))
        if not 1 <= found.trucks <= 50 or not 0 <= found.crane_trucks <= found.trucks:
            raise PlanningError(_("Between 1 and 50 trucks, and no more crane trucks than trucks."))
        if not 500 <= found.capacity <= 100_000:
            raise PlanningError(_("A truck holds between 500 and 100,000 litres."))
        if _minutes(found.shift_start) >= _minutes(found.shift_end):
            raise PlanningError(_("The shift must end after it starts."))
        if not 0 <= found.service_seconds <= 3600 or not 1 <= found.seconds <= 60:
            raise PlanningError(_("Service time up to an hour per container; a run takes 1 to 60 seconds."))
        if found.break_minutes and not (
            0 <= found.break_minutes <= 120
            and _minutes(found.shift_start) <= _minutes(found.break_start) <= _minutes(found.break_end)
            and _minutes(found.break_end) + found.break_minutes <= _minutes(found.shift_end)
        ):
            raise PlanningError(_("The break (up to two hours) must lie within the shift."))
        if not found.days or any(not 1 <= d <= 7 for d in found.days):
            raise PlanningError(_("Choose the days of collection."))
        found.days = sorted(set(found.days))
        return found


@dataclass
class Container:
    id: int
    name: str
    lon: float
    lat: float
    litres: int
    overdue: bool
    market: bool


def containers(municipality: Municipality, parameters: Parameters) -> list[Container]:
    """The containers in service, with whether an overdue waste complaint lies near and whether a market does."""
    district_filter = ""
    args: dict[str, Any] = {
        "m": municipality.pk,
        "now": timezone.now(),
        "radius": OVERDUE_RADIUS_M,
        "market_radius": MARKET_RADIUS_M,
        "district": parameters.district,
        "waste": Complaint.Category.WASTE,
        "open": [
            Complaint.Status.SUBMITTED,
            Complaint.Status.ACKNOWLEDGED,
            Complaint.Status.IN_PROGRESS,
            Complaint.Status.REOPENED,
        ],
        "market": ServicePoint.Kind.MARKET,
    }
    if parameters.selection == "district":
        district_filter = (
            "AND ST_Intersects(p.location, (SELECT boundary FROM layers_district WHERE id = %(district)s))"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.id, p.name, ST_X(p.location), ST_Y(p.location), coalesce(p.capacity, 660),
                       EXISTS (SELECT 1 FROM layers_complaint c
                                WHERE c.municipality_id = %(m)s AND c.category = %(waste)s
                                  AND c.status = ANY(%(open)s) AND c.due_at < %(now)s
                                  AND c.location && metres_envelope(p.location, %(radius)s)
                                  AND ST_DWithin(c.location::geography, p.location::geography, %(radius)s)),
                       EXISTS (SELECT 1 FROM layers_servicepoint s
                                WHERE s.municipality_id = %(m)s AND s.kind = %(market)s
                                  AND s.location && metres_envelope(p.location, %(market_radius)s)
                                  AND ST_DWithin(s.location::geography, p.location::geography, %(market_radius)s))
                  FROM layers_servicepoint p
                 WHERE p.municipality_id = %(m)s AND p.kind = 'waste_container' AND p.status = 'in_service'
                       {district_filter}
                 ORDER BY p.id""",  # noqa: S608 (a fixed fragment; every value is a parameter)
            args,
        )
        found = [Container(*row) for row in cursor.fetchall()]
    if parameters.selection == "overdue":
        found = [c for c in found if c.overdue]
    return found


def depot_point(municipality: Municipality, parameters: Parameters) -> tuple[float, float, str]:
    if parameters.depot is not None:
        depot = ServicePoint.objects.get(pk=parameters.depot)
        return depot.location.x, depot.location.y, str(depot)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(boundary) AS p FROM layers_municipality "
            "WHERE id = %s) AS c",
            [municipality.pk],
        )
        lon, lat = cursor.fetchone()
    return lon, lat, _("Middle of the municipality")


def plan(run: OptimisationRun, progress: Progress) -> None:
    """Fill the run's proposal and its comparison with the current routes (the caller saves it)."""
    municipality = run.municipality
    parameters = Parameters.clean(run.parameters, municipality=municipality)
    chosen = containers(municipality, parameters)
    if not chosen:
        raise PlanningError(_("No container in service matches this choice."))
    progress(1, _("Street network"))
    depot_lon, depot_lat, depot_name = depot_point(municipality, parameters)
    points = [(depot_lon, depot_lat)]
    if parameters.disposal is not None:
        unload = ServicePoint.objects.get(pk=parameters.disposal).location
        points.append((unload.x, unload.y))
    # The trucks end at the disposal site (index 1) if there is one, else back at the depot.
    end = len(points) - 1
    points += [(c.lon, c.lat) for c in chosen]
    net = network.ensure_network(municipality)
    started = time.monotonic()
    snaps: list[network.Snap] = []
    if net.edges and net.edges > net.island_edges:
        snaps = network.snap_points(net, [(i, lon, lat) for i, (lon, lat) in enumerate(points)])
    if snaps and all(s.node_id is not None for s in snaps):
        run.method = OptimisationRun.Method.NETWORK
        matrix = network.travel_matrix(net, [s.node_id for s in snaps])  # type: ignore[misc]
        durations = [[UNREACHABLE if v is None else v for v in row] for row in matrix.durations]
        distances = [[UNREACHABLE if v is None else v for v in row] for row in matrix.distances]
    else:
        run.method = OptimisationRun.Method.GEODESIC
        durations, distances = network.geodesic_matrix(points)
    matrix_seconds = time.monotonic() - started
    progress(2, _("Optimising"))
    problem = _problem(parameters, chosen, durations, last=end)
    solution = solver.solve(problem, seconds=parameters.seconds)
    progress(3, _("Routes along the streets"))
    node_of = {i: s.node_id for i, s in enumerate(snaps)} if run.method == OptimisationRun.Method.NETWORK else {}
    by_id = {c.id: (i + end + 1, c) for i, c in enumerate(chosen)}
    run.proposal = _proposal(
        solution, by_id, points, durations, distances, node_of, net, parameters, snaps, depot_name, end
    )
    run.proposal["matrix_seconds"] = round(matrix_seconds, 2)
    run.proposal["synthetic"] = net.synthetic
    run.proposal["network"] = {
        "version": net.version,
        "edges": net.edges,
        "components": net.components,
        "island_edges": net.island_edges,
    }
    run.current = _current(municipality, by_id, durations, distances, end)
    saved_km = run.current["km"] - run.proposal["km"]
    run.summary = _(
        "%(routes)d routes, %(km).1f km, %(hours).1f h for %(stops)d containers (today: %(now_routes)d routes, "
        "%(now_km).1f km); %(saved).1f km saved; %(unserved)d not served"
    ) % {
        "routes": len(run.proposal["routes"]),
        "km": run.proposal["km"],
        "hours": run.proposal["hours"],
        "stops": len(chosen) - len(solution.unassigned),
        "now_routes": run.current["routes"],
        "now_km": run.current["km"],
        "saved": saved_km,
        "unserved": len(solution.unassigned),
    }


def _problem(
    parameters: Parameters, chosen: list[Container], durations: list[list[float]], *, last: int = 0
) -> Problem:
    start, end = _minutes(parameters.shift_start) * 60, _minutes(parameters.shift_end) * 60
    morning = (start, min(end, start + 2 * 3600))
    stops = [
        Stop(
            id=c.id,
            location=i + last + 1,
            demand=(c.litres,),
            service=parameters.service_seconds,
            windows=(morning,) if c.market else (),
            priority=100 if c.overdue else 10,
            skills=frozenset({CRANE}) if parameters.crane_trucks and c.litres >= LARGE_BIN_LITRES else frozenset(),
        )
        for i, c in enumerate(chosen)
    ]
    breaks = (
        ((_minutes(parameters.break_start) * 60, _minutes(parameters.break_end) * 60, parameters.break_minutes * 60),)
        if parameters.break_minutes
        else ()
    )
    trucks = [
        Truck(
            n + 1,
            0,
            last,
            (parameters.capacity,),
            (start, end),
            frozenset({CRANE}) if n < parameters.crane_trucks else frozenset(),
            breaks,
        )
        for n in range(parameters.trucks)
    ]
    return Problem("municipality", [[round(v) for v in row] for row in durations], stops, trucks)


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _proposal(
    solution: Solution,
    by_id: dict[int, tuple[int, Container]],
    points: list[tuple[float, float]],
    durations: list[list[float]],
    distances: list[list[float]],
    node_of: dict[int, int | None],
    net: Any,
    parameters: Parameters,
    snaps: list[network.Snap],
    depot_name: str,
    end: int,
) -> dict[str, Any]:
    routes: list[dict[str, Any]] = []
    for number, route in enumerate(r for r in solution.routes if r.visits):
        order = [0] + [by_id[v.stop_id][0] for v in route.visits] + [end]
        metres = sum(distances[a][b] for a, b in itertools.pairwise(order))
        if node_of:
            geometry = network.path_between(net, [(node_of[a], node_of[b]) for a, b in itertools.pairwise(order)])  # type: ignore[misc]
        else:
            geometry = None
        if geometry is None:
            coords = [list(points[i]) for i in order]
            geometry = f'{{"type": "MultiLineString", "coordinates": [{coords}]}}'.replace("'", '"')
        routes.append(
            {
                "name": _("Optimised round %(n)d") % {"n": number + 1},
                "truck": route.truck_id,
                "starts": _hhmm(route.start),
                "ends": _hhmm(route.end),
                "distance_m": round(metres),
                "duration_s": route.end - route.start,
                "co2_kg": round(metres / 1000 * conf.CO2_KG_PER_KM, 1),
                "breaks": [_hhmm(at) for _, at in route.breaks],
                "stops": [
                    {
                        "id": v.stop_id,
                        "name": by_id[v.stop_id][1].name,
                        "arrival": _hhmm(v.arrival),
                        "load_l": v.load_after[0],
                        "snap_m": round(snaps[by_id[v.stop_id][0]].distance_m or 0) if snaps else None,
                    }
                    for v in route.visits
                ],
                "geometry": geometry,
            }
        )
    km = sum(r["distance_m"] for r in routes) / 1000
    return {
        "method": "network" if node_of else "geodesic",
        "depot": depot_name,
        "routes": routes,
        "unassigned": [{"id": i, "name": by_id[i][1].name} for i in solution.unassigned],
        "km": round(km, 1),
        "hours": round(sum(r["duration_s"] for r in routes) / 3600, 1),
        "trucks": len(routes),
        "co2_kg": round(km * conf.CO2_KG_PER_KM, 1),
        "solve_seconds": round(solution.seconds, 2),
        "far_snaps": sum(1 for s in snaps[end + 1 :] if (s.distance_m or 0) > conf.FAR_SNAP_M),
        "max_snap_m": round(max((s.distance_m or 0) for s in snaps)) if snaps else None,
        "parameters": asdict(parameters),
    }


def _current(
    municipality: Municipality,
    by_id: dict[int, tuple[int, Container]],
    durations: list[list[float]],
    distances: list[list[float]],
    end: int,
) -> dict[str, Any]:
    """Today's routes driven on the same matrix, from the depot through their chosen containers (in the order they
    were recorded) and back."""
    through = CollectionRoute.service_points.through
    rows = through.objects.filter(collectionroute__municipality=municipality).order_by("collectionroute_id", "id")
    orders: dict[int, list[int]] = {}
    for row in rows.values_list("collectionroute_id", "servicepoint_id"):
        if row[1] in by_id:
            orders.setdefault(row[0], []).append(by_id[row[1]][0])
    metres = seconds = 0.0
    for stops in orders.values():
        order = [0, *stops, end]
        metres += sum(distances[a][b] for a, b in itertools.pairwise(order))
        seconds += sum(durations[a][b] for a, b in itertools.pairwise(order))
    return {"routes": len(orders), "km": round(metres / 1000, 1), "hours": round(seconds / 3600, 1)}
