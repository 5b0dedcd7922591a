"""The municipal plan per collection day, with fill levels, weight and several depots, on Tozeur's drawn streets."""

from datetime import time, timedelta

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point
from django.utils import timezone

from gisportal.routing import feasibility, planning, services, solver
from gisportal.routing.forms import OptimisationForm
from gisportal.routing.models import FillReading, OptimisationRun
from layers.models import CollectionRoute, ServicePoint
from tests.conftest import Town
from tests.routing import streets


def containers_by_name(town: Town) -> dict[str, ServicePoint]:
    return {
        p.name: p
        for p in ServicePoint.objects.filter(municipality=town.municipality, kind=ServicePoint.Kind.WASTE_CONTAINER)
    }


def tuesday_route(town: Town, container: ServicePoint) -> CollectionRoute:
    route = CollectionRoute.objects.create(
        municipality=town.municipality,
        name="Tournée du mardi",
        service_days=[2],
        starts_at=time(6),
        ends_at=time(9),
        path=MultiLineString(LineString(streets.S, streets.CORNER, srid=4326), srid=4326),
    )
    route.service_points.add(container)
    return route


def test_each_day_plans_the_containers_collected_that_day(tozeur_streets: Town):
    # The town's container is on a Mon/Wed/Fri route, "Conteneur 2" on a Tuesday one; the others on none.
    named = containers_by_name(tozeur_streets)
    tuesday_route(tozeur_streets, named["Conteneur 2"])
    parameters = planning.Parameters.clean(
        {"days": [1, 2, 3, 5], "trucks": 2, "capacity": 5000, "seconds": 2}, municipality=tozeur_streets.municipality
    )
    chosen = planning.containers(tozeur_streets.municipality, parameters)
    groups = {
        tuple(days): {chosen[i].name for i in members} for days, members in planning.day_groups(chosen, parameters)
    }
    unrouted = {"Conteneur 1", "Conteneur 3", "Conteneur 4"}
    assert groups == {(1, 3, 5): unrouted | {"Conteneur Tozeur"}, (2,): unrouted | {"Conteneur 2"}}

    run = services.request_optimisation(
        municipality=tozeur_streets.municipality, user=None, parameters=parameters, wait=True
    )
    run.refresh_from_db()
    assert run.status == OptimisationRun.Status.DONE, run.error
    served: dict[tuple[int, ...], set[int]] = {}
    for route in run.proposal["routes"]:
        served.setdefault(tuple(route["days"]), set()).update(stop["id"] for stop in route["stops"])
    ids = {name: p.pk for name, p in named.items()}
    assert served[(1, 3, 5)] == {ids[n] for n in groups[(1, 3, 5)]}
    assert served[(2,)] == {ids[n] for n in groups[(2,)]}
    assert run.proposal["not_planned"] == 0
    # The page proposes every day today's routes run, since accepting replaces them all.
    assert OptimisationForm(municipality=tozeur_streets.municipality).fields["days"].initial == [1, 2, 3, 5]
    services.accept(run=run, user=None)
    days_of = {
        pk: sorted({d for r in CollectionRoute.objects.filter(service_points=pk) for d in r.service_days})
        for pk in ids.values()
    }
    assert days_of[ids["Conteneur Tozeur"]] == [1, 3, 5] and days_of[ids["Conteneur 2"]] == [2]
    assert days_of[ids["Conteneur 1"]] == [1, 2, 3, 5]
    # Monday alone, now that every container is on an accepted route running other days too: all five would lose
    # collections, and the proposal says so.
    monday = planning.Parameters.clean(
        {"days": [1], "trucks": 2, "capacity": 5000, "seconds": 1}, municipality=tozeur_streets.municipality
    )
    warned = services.request_optimisation(
        municipality=tozeur_streets.municipality, user=None, parameters=monday, wait=True
    )
    warned.refresh_from_db()
    assert warned.proposal["not_planned"] == 5
    # On Thursday only the containers on no route today: the others are not collected then.
    thursday = planning.Parameters(days=[4])
    assert [(days, {chosen[i].name for i in members}) for days, members in planning.day_groups(chosen, thursday)] == [
        ([4], unrouted)
    ]


def test_a_fresh_fill_reading_sets_the_load_and_a_stale_one_gives_way_to_the_default(tozeur_streets: Town):
    named = containers_by_name(tozeur_streets)
    now = timezone.now()
    half, stale = named["Conteneur 1"], named["Conteneur 4"]  # 660 and 1,100 litres
    for container, percent, age in ((half, 50, timedelta(hours=3)), (stale, 10, timedelta(days=5))):
        FillReading.objects.create(
            municipality=tozeur_streets.municipality,
            container=container,
            percent=percent,
            read_at=now - age,
            source="sensor",
        )
    FillReading.objects.create(
        municipality=tozeur_streets.municipality, container=half, percent=90, read_at=now - timedelta(days=4)
    )
    parameters = planning.Parameters.clean(
        {"default_fill": 80, "weight_capacity": 300}, municipality=tozeur_streets.municipality
    )
    chosen = {c.name: c for c in planning.containers(tozeur_streets.municipality, parameters)}
    assert chosen["Conteneur 1"].fill == 50 and chosen["Conteneur 4"].fill is None
    assert chosen["Conteneur 1"].load(parameters) == (330, 66)
    assert chosen["Conteneur 4"].load(parameters) == (880, 176)  # 80 % of 1,100 litres, 0.2 kg a litre
    problem = planning._problem(parameters, list(chosen.values()), [[60] * 6 for _ in range(6)])
    assert all(truck.capacity == (12_000, 300) for truck in problem.trucks)
    solution = solver.solve(problem, seconds=1)
    assert feasibility.check(problem, solution).feasible and not solution.unassigned
    # By weight, 300 kg a truck: no truck carries more (5 containers weigh 66 + 3 x 106 + 176 = 560 kg).
    assert all(r.visits[-1].load_after[1] <= 300 for r in solution.routes if r.visits)
    assert len([r for r in solution.routes if r.visits]) >= 2


def test_each_truck_leaves_from_and_comes_back_to_its_own_depot(tozeur_streets: Town):
    west = ServicePoint.objects.get(municipality=tozeur_streets.municipality, name="Dépôt")
    east = ServicePoint.objects.create(
        municipality=tozeur_streets.municipality,
        kind=ServicePoint.Kind.MUNICIPAL_OFFICE,
        name="Garage est",
        location=Point(streets.E[0], streets.E[1] - 0.0002, srid=4326),
    )
    with pytest.raises(planning.PlanningError):  # two depots need two trucks
        planning.Parameters.clean({"depots": [west.pk, east.pk], "trucks": 1}, municipality=tozeur_streets.municipality)
    parameters = planning.Parameters.clean(
        {"depots": [west.pk, east.pk], "trucks": 2, "capacity": 2000, "seconds": 2},
        municipality=tozeur_streets.municipality,
    )
    chosen = planning.containers(tozeur_streets.municipality, parameters)
    where = planning.places(tozeur_streets.municipality, parameters, chosen)
    assert where.names[:2] == ["Dépôt", "Garage est"] and where.container(0) == 2
    problem = planning._problem(parameters, chosen, [[60] * len(where.points)] * len(where.points), where)
    assert [(t.start, t.end) for t in problem.trucks] == [(0, 0), (1, 1)]
    run = services.request_optimisation(
        municipality=tozeur_streets.municipality, user=None, parameters=parameters, wait=True
    )
    run.refresh_from_db()
    assert run.status == OptimisationRun.Status.DONE, run.error
    assert {route["depot"] for route in run.proposal["routes"]} == {"Dépôt", "Garage est"}


def test_fill_levels_are_recorded_from_a_file_all_or_nothing(tozeur_streets: Town, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    named = containers_by_name(tozeur_streets)
    good = tmp_path / "fill.csv"
    good.write_text(f"container,percent,read_at,source\n{named['Conteneur 1'].pk},40,,sensor\n", encoding="utf-8")
    out = StringIO()
    call_command("record_fill_levels", "6211", str(good), stdout=out)
    assert "1 fill readings recorded" in out.getvalue()
    parameters = planning.Parameters()
    chosen = {c.name: c for c in planning.containers(tozeur_streets.municipality, parameters)}
    assert chosen["Conteneur 1"].fill == 40 and chosen["Conteneur 1"].load(parameters) == (264, 53)

    bad = tmp_path / "bad.csv"
    beja_container = ServicePoint.objects.exclude(municipality=tozeur_streets.municipality).first()
    other = beja_container.pk if beja_container else 10**9
    bad.write_text(
        f"container,percent\n{named['Conteneur 2'].pk},50\n{named['Conteneur 3'].pk},140\n{other},10\nx,1\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="3 rows rejected"):
        call_command("record_fill_levels", "6211", str(bad), stderr=err)
    lines = err.getvalue().splitlines()  # in the portal's language: "line 3: …", "ligne 3 : …"
    assert [line.split()[1].rstrip(":") for line in lines] == ["3", "4", "5"]
    assert FillReading.objects.count() == 1  # the good row of the bad file is not stored either
