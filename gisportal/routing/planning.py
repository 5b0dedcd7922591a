"""A municipality's collection plan: its containers, depot and trucks turned into a `Problem` on its street network
(or the labelled straight-line fallback), solved, and laid out as routes on the streets beside today's routes."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.routing import conf, network, solver
from gisportal.routing.models import OptimisationRun
from gisportal.routing.problem import Problem, Route, Solution, Stop, Truck
from layers.models import CollectionRoute, Complaint, District, Municipality, ServicePoint
from maps import builders

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
    # Service points the trucks leave from and come back to, the trucks shared out in turn; none: the middle of the
    # municipality. `depot` is the one-depot spelling of the same.
    depots: list[int] = field(default_factory=list)
    depot: int | None = None
    # Landfills or transfer stations: a truck unloads at the one nearest each container whenever it is full, and
    # carries on; none: it unloads back at its depot at the end, one trip a day. `disposal`: the one-site spelling.
    disposals: list[int] = field(default_factory=list)
    disposal: int | None = None
    unloading_minutes: int = 15
    trucks: int = 3
    crane_trucks: int = 0
    capacity: int = 12_000  # litres
    weight_capacity: int = 8_000  # kg
    # A container's load: its litres times its latest fill reading, or times this without a fresh one.
    default_fill: int = 100  # percent
    shift_start: str = "06:00"
    shift_end: str = "12:00"
    service_seconds: int = 120
    break_start: str = "09:00"
    break_end: str = "10:00"
    break_minutes: int = 0  # none
    days: list[int] = field(default_factory=lambda: [1, 3, 5])
    # "containers": each day plans the containers collected that day (the days of the routes serving them today,
    # every chosen day for a container on none); "chosen": every container on every chosen day.
    days_from: str = "containers"
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
        found.depots = sorted(set(found.depots) | ({found.depot} if found.depot is not None else set()))
        found.disposals = sorted(set(found.disposals) | ({found.disposal} if found.disposal is not None else set()))
        found.depot = found.disposal = None
        if ServicePoint.objects.filter(
            pk__in=found.depots, municipality=municipality, kind__in=DEPOT_KINDS
        ).count() != len(found.depots):
            raise PlanningError(_("Choose a depot of the municipality."))
        if ServicePoint.objects.filter(
            pk__in=found.disposals, municipality=municipality, kind__in=DISPOSAL_KINDS
        ).count() != len(found.disposals):
            raise PlanningError(_("Choose a landfill or transfer station of the municipality."))
        if found.depots and len(found.depots) > found.trucks:
            raise PlanningError(_("At least one truck for each depot."))
        if not 1 <= found.trucks <= 50 or not 0 <= found.crane_trucks <= found.trucks:
            raise PlanningError(_("Between 1 and 50 trucks, and no more crane trucks than trucks."))
        if not 500 <= found.capacity <= 100_000:
            raise PlanningError(_("A truck holds between 500 and 100,000 litres."))
        if not 100 <= found.weight_capacity <= 40_000:
            raise PlanningError(_("A truck carries between 100 and 40,000 kg."))
        if not 1 <= found.default_fill <= 100 or not 0 <= found.unloading_minutes <= 240:
            raise PlanningError(_("A fill level from 1 to 100 %, and up to four hours to unload."))
        if found.days_from not in ("containers", "chosen"):
            raise PlanningError(_("Plan each day's containers, or every container on every chosen day."))
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
    fill: int | None = None  # percent, from a fresh reading
    days: list[int] = field(default_factory=list)  # the days of the routes serving it today

    def load(self, parameters: Parameters) -> tuple[int, int]:
        """Litres and kilograms: what it puts in the truck."""
        litres = self.litres * (self.fill if self.fill is not None else parameters.default_fill) / 100
        return round(litres), round(litres * conf.WASTE_KG_PER_LITRE)


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
        "fresh": timezone.now() - timedelta(hours=conf.FILL_READING_MAX_AGE_HOURS),
    }
    if parameters.selection == "district":
        district_filter = (
            "AND ST_Intersects(p.location, (SELECT boundary FROM layers_district WHERE id = %(district)s))"
        )
    through = CollectionRoute.service_points.through._meta.db_table
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
                                  AND ST_DWithin(s.location::geography, p.location::geography, %(market_radius)s)),
                       (SELECT f.percent FROM routing_fillreading f
                         WHERE f.container_id = p.id AND f.read_at >= %(fresh)s ORDER BY f.read_at DESC LIMIT 1),
                       coalesce((SELECT array_agg(DISTINCT d ORDER BY d)
                                   FROM {through} t JOIN layers_collectionroute r ON r.id = t.collectionroute_id,
                                        unnest(r.service_days) AS d
                                  WHERE t.servicepoint_id = p.id), '{{}}')
                  FROM layers_servicepoint p
                 WHERE p.municipality_id = %(m)s AND p.kind = 'waste_container' AND p.status = 'in_service'
                       {district_filter}
                 ORDER BY p.id""",  # noqa: S608 (a fixed fragment; every value is a parameter)
            args,
        )
        found = [
            Container(pk, name, lon, lat, litres, overdue, market, fill, list(days))
            for pk, name, lon, lat, litres, overdue, market, fill, days in cursor.fetchall()
        ]
    if parameters.selection == "overdue":
        found = [c for c in found if c.overdue]
    return found


@dataclass
class Places:
    """Where the matrix's rows are: the depots first, then the disposal sites, then the containers."""

    points: list[tuple[float, float]]
    names: list[str]
    depots: int
    sites: int

    def container(self, position: int) -> int:
        return self.depots + self.sites + position


def places(municipality: Municipality, parameters: Parameters, chosen: list[Container]) -> Places:
    points: list[tuple[float, float]] = []
    names: list[str] = []
    if parameters.depots:
        by_id = ServicePoint.objects.in_bulk(parameters.depots)
        for pk in parameters.depots:
            points.append((by_id[pk].location.x, by_id[pk].location.y))
            names.append(str(by_id[pk]))
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(boundary) AS p FROM layers_municipality "
                "WHERE id = %s) AS c",
                [municipality.pk],
            )
            points.append(cursor.fetchone())
        names.append(_("Middle of the municipality"))
    sites = ServicePoint.objects.in_bulk(parameters.disposals)
    for pk in parameters.disposals:
        points.append((sites[pk].location.x, sites[pk].location.y))
        names.append(str(sites[pk]))
    points += [(c.lon, c.lat) for c in chosen]
    names += [c.name for c in chosen]
    return Places(points, names, max(1, len(parameters.depots)), len(parameters.disposals))


def day_groups(chosen: list[Container], parameters: Parameters) -> list[tuple[list[int], list[int]]]:
    """(days, positions in `chosen`) for each distinct set of containers collected on the chosen days: one
    problem per set, its routes driven on those days. A container on no route today is collected every chosen
    day."""
    by_day: dict[int, tuple[int, ...]] = {}
    for day in parameters.days:
        by_day[day] = tuple(
            i for i, c in enumerate(chosen) if parameters.days_from == "chosen" or not c.days or day in c.days
        )
    groups: dict[tuple[int, ...], list[int]] = {}
    for day, members in by_day.items():
        if members:
            groups.setdefault(members, []).append(day)
    return [(days, list(members)) for members, days in groups.items()]


def plan(run: OptimisationRun, progress: Progress) -> None:
    """Fill the run's proposal and its comparison with the current routes (the caller saves it)."""
    municipality = run.municipality
    parameters = Parameters.clean(run.parameters, municipality=municipality)
    chosen = containers(municipality, parameters)
    groups = day_groups(chosen, parameters)
    if not groups:
        raise PlanningError(_("No container in service matches this choice."))
    progress(1, _("Street network"))
    where = places(municipality, parameters, chosen)
    points = where.points
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
    # The time budget is the run's, shared by the days' problems.
    budget = max(1.0, parameters.seconds / len(groups))
    solved: list[tuple[list[int], Problem, Solution]] = []
    for days, members in groups:
        problem = _problem(parameters, [chosen[i] for i in members], durations, where, positions=members)
        solved.append((days, problem, solver.solve(problem, seconds=budget)))
    progress(3, _("Routes along the streets"))
    node_of = {i: s.node_id for i, s in enumerate(snaps)} if run.method == OptimisationRun.Method.NETWORK else {}
    by_id = {c.id: (where.container(i), c) for i, c in enumerate(chosen)}
    run.proposal = _proposal(solved, by_id, where, distances, node_of, net, parameters, snaps)
    # Accepting replaces every route: a container's collections on days not planned here would end.
    planned = set(parameters.days)
    run.proposal["not_planned"] = (
        sum(1 for c in chosen if set(c.days) - planned) if parameters.days_from == "containers" else 0
    )
    run.proposal["matrix_seconds"] = round(matrix_seconds, 2)
    run.proposal["synthetic"] = net.synthetic
    run.proposal["network"] = {
        "version": net.version,
        "edges": net.edges,
        "components": net.components,
        "island_edges": net.island_edges,
    }
    run.current = _current(municipality, by_id, durations, distances, where, days=parameters.days)
    # Compared over the planned days: a round driven three days a week counts three times, on both sides.
    saved_km = run.current["km_week"] - run.proposal["km_week"]
    served = {stop["id"] for route in run.proposal["routes"] for stop in route["stops"]}
    run.summary = _(
        "%(routes)d routes, %(km).1f km, %(hours).1f h for %(stops)d containers (today: %(now_routes)d routes, "
        "%(now_km).1f km); %(saved).1f km saved; %(unserved)d not served"
    ) % {
        "routes": len(run.proposal["routes"]),
        "km": run.proposal["km_week"],
        "hours": run.proposal["hours"],
        "stops": len(served),
        "now_routes": run.current["routes"],
        "now_km": run.current["km_week"],
        "saved": saved_km,
        "unserved": len(run.proposal["unassigned"]),
    }


def _problem(
    parameters: Parameters,
    chosen: list[Container],
    durations: list[list[float]],
    where: Places | None = None,
    *,
    positions: list[int] | None = None,
) -> Problem:
    """One day's problem; `positions` are the containers' places in the run's list (the matrix's order). Without
    `where`: one depot (row 0), no disposal site."""
    where = where or Places([], [], depots=1, sites=0)
    start, end = _minutes(parameters.shift_start) * 60, _minutes(parameters.shift_end) * 60
    morning = (start, min(end, start + 2 * 3600))
    rows = [where.container(i) for i in (positions if positions is not None else range(len(chosen)))]
    site_rows = list(range(where.depots, where.depots + where.sites))
    stops = [
        Stop(
            id=c.id,
            location=row,
            demand=c.load(parameters),
            service=parameters.service_seconds,
            windows=(morning,) if c.market else (),
            priority=100 if c.overdue else 10,
            skills=frozenset({CRANE}) if parameters.crane_trucks and c.litres >= LARGE_BIN_LITRES else frozenset(),
            # The disposal site nearest the container (by the time to drive there).
            site=_nearest(row, site_rows, durations),
        )
        for c, row in zip(chosen, rows, strict=True)
    ]
    breaks = (
        ((_minutes(parameters.break_start) * 60, _minutes(parameters.break_end) * 60, parameters.break_minutes * 60),)
        if parameters.break_minutes
        else ()
    )
    trucks = [
        Truck(
            n + 1,
            n % where.depots,
            n % where.depots,
            (parameters.capacity, parameters.weight_capacity),
            (start, end),
            frozenset({CRANE}) if n < parameters.crane_trucks else frozenset(),
            breaks,
        )
        for n in range(parameters.trucks)
    ]
    return Problem(
        "municipality",
        [[round(v) for v in row] for row in durations],
        stops,
        trucks,
        unloading={site: parameters.unloading_minutes * 60 for site in site_rows},
    )


def _nearest(row: int, sites: list[int], durations: list[list[float]]) -> int | None:
    """The disposal site quickest to reach from this row of the matrix (none without sites)."""
    return min(sites, key=lambda site: durations[row][site]) if sites else None


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _order(route: Route, by_id: dict[int, tuple[int, Container]], truck: Truck) -> list[int]:
    """The matrix rows the truck drives through: its depot, the containers with the disposal sites between, home."""
    unloads: dict[int, list[int]] = {}
    for done, site, _at in route.unloads:
        unloads.setdefault(done, []).append(site)
    order = [truck.start, *unloads.get(0, [])]
    for done, visit in enumerate(route.visits, start=1):
        order.append(by_id[visit.stop_id][0])
        order += unloads.get(done, [])
    return [*order, truck.end]


def _proposal(
    solved: list[tuple[list[int], Problem, Solution]],
    by_id: dict[int, tuple[int, Container]],
    where: Places,
    distances: list[list[float]],
    node_of: dict[int, int | None],
    net: Any,
    parameters: Parameters,
    snaps: list[network.Snap],
) -> dict[str, Any]:
    routes: list[dict[str, Any]] = []
    unassigned: dict[int, list[int]] = {}
    for days, problem, solution in solved:
        trucks = {truck.id: truck for truck in problem.trucks}
        for route in (r for r in solution.routes if r.visits):
            truck = trucks[route.truck_id]
            order = _order(route, by_id, truck)
            metres = sum(distances[a][b] for a, b in itertools.pairwise(order))
            if node_of:
                geometry = network.path_between(net, [(node_of[a], node_of[b]) for a, b in itertools.pairwise(order)])  # type: ignore[misc]
            else:
                geometry = None
            if geometry is None:
                coords = [list(where.points[i]) for i in order]
                geometry = f'{{"type": "MultiLineString", "coordinates": [{coords}]}}'.replace("'", '"')
            name = _("Optimised round %(n)d") % {"n": len(routes) + 1}
            routes.append(
                {
                    "name": name if len(solved) == 1 else f"{name} ({builders.days_label(days)})",
                    "truck": route.truck_id,
                    "days": days,
                    "depot": where.names[truck.start],
                    "starts": _hhmm(route.start),
                    "ends": _hhmm(route.end),
                    "distance_m": round(metres),
                    "duration_s": route.end - route.start,
                    "co2_kg": round(metres / 1000 * conf.CO2_KG_PER_KM, 1),
                    "breaks": [_hhmm(at) for _, at in route.breaks],
                    "unloads": [
                        {"after": done, "site": where.names[site], "arrival": _hhmm(at)}
                        for done, site, at in route.unloads
                    ],
                    "stops": [
                        {
                            "id": v.stop_id,
                            "name": by_id[v.stop_id][1].name,
                            "arrival": _hhmm(v.arrival),
                            "load_l": v.load_after[0],
                            "load_kg": v.load_after[1],
                            "snap_m": round(snaps[by_id[v.stop_id][0]].distance_m or 0) if snaps else None,
                        }
                        for v in route.visits
                    ],
                    "geometry": geometry,
                }
            )
        for i in solution.unassigned:
            unassigned.setdefault(i, []).extend(days)
    km = sum(r["distance_m"] for r in routes) / 1000
    first_container = where.depots + where.sites
    return {
        "method": "network" if node_of else "geodesic",
        "depot": ", ".join(where.names[: where.depots]),
        "disposal_sites": where.names[where.depots : first_container],
        "routes": routes,
        "unassigned": [
            {"id": i, "name": by_id[i][1].name, "days": sorted(days)} for i, days in sorted(unassigned.items())
        ],
        "km": round(km, 1),
        "km_week": round(sum(r["distance_m"] * len(r["days"]) for r in routes) / 1000, 1),
        "hours": round(sum(r["duration_s"] for r in routes) / 3600, 1),
        "trucks": len(routes),
        "co2_kg": round(km * conf.CO2_KG_PER_KM, 1),
        "solve_seconds": round(sum(solution.seconds for _, _, solution in solved), 2),
        "far_snaps": sum(1 for s in snaps[first_container:] if (s.distance_m or 0) > conf.FAR_SNAP_M),
        "max_snap_m": round(max((s.distance_m or 0) for s in snaps)) if snaps else None,
        "parameters": asdict(parameters),
    }


def _current(
    municipality: Municipality,
    by_id: dict[int, tuple[int, Container]],
    durations: list[list[float]],
    distances: list[list[float]],
    where: Places,
    *,
    days: list[int],
) -> dict[str, Any]:
    """Today's routes driven on the same matrix, from the first depot through their chosen containers (in the order
    they were recorded), to the first disposal site if there is one, and back; `km_week` counts each on the planned
    `days` it runs."""
    through = CollectionRoute.service_points.through
    rows = through.objects.filter(collectionroute__municipality=municipality).order_by("collectionroute_id", "id")
    orders: dict[int, list[int]] = {}
    for row in rows.values_list("collectionroute_id", "servicepoint_id"):
        if row[1] in by_id:
            orders.setdefault(row[0], []).append(by_id[row[1]][0])
    runs_on = dict(CollectionRoute.objects.filter(pk__in=orders).values_list("pk", "service_days"))
    unload = [where.depots] if where.sites else []
    metres = seconds = week = 0.0
    for route_id, stops in orders.items():
        order = [0, *stops, *unload, 0]
        driven = sum(distances[a][b] for a, b in itertools.pairwise(order))
        metres += driven
        week += driven * len(set(runs_on[route_id]) & set(days))
        seconds += sum(durations[a][b] for a, b in itertools.pairwise(order))
    return {
        "routes": len(orders),
        "km": round(metres / 1000, 1),
        "km_week": round(week / 1000, 1),
        "hours": round(seconds / 3600, 1),
    }
