"""What a planner chooses: overdue containers, market mornings, the command line, the page in Arabic."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from gisportal.routing import planning
from layers.models import CollectionRoute, Complaint, ServicePoint
from tests.conftest import Town
from tests.routing import streets


def test_an_overdue_waste_complaint_raises_its_container_and_a_market_gives_a_morning_window(tozeur_streets: Town):
    near_n = Point(streets.N[0], streets.N[1] + 0.0003, srid=4326)
    overdue = Complaint.objects.create(
        municipality=tozeur_streets.municipality,
        category=Complaint.Category.WASTE,
        description="Pas ramassé depuis une semaine",
        location=near_n,
    )
    Complaint.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=2))
    ServicePoint.objects.create(
        municipality=tozeur_streets.municipality,
        kind=ServicePoint.Kind.MARKET,
        name="Marché",
        location=Point(streets.S[0], streets.S[1] + 0.0005, srid=4326),
    )
    parameters = planning.Parameters.clean({"shift_start": "07:00"}, municipality=tozeur_streets.municipality)
    chosen = planning.containers(tozeur_streets.municipality, parameters)
    by_name = {c.name: c for c in chosen}
    assert [c.name for c in chosen if c.overdue] == ["Conteneur 1"]  # beside N
    assert [c.name for c in chosen if c.market] == ["Conteneur 2"]  # beside S
    problem = planning._problem(parameters, chosen, [[60] * (len(chosen) + 1)] * (len(chosen) + 1))
    stops = {s.id: s for s in problem.stops}
    assert stops[by_name["Conteneur 1"].id].priority == 100
    assert stops[by_name["Conteneur 2"].id].windows == ((7 * 3600, 9 * 3600),)

    only = planning.Parameters.clean({"selection": "overdue"}, municipality=tozeur_streets.municipality)
    assert [c.name for c in planning.containers(tozeur_streets.municipality, only)] == ["Conteneur 1"]


def test_the_command_line_optimises_and_accepts(tozeur_streets: Town):
    out = StringIO()
    with translation.override("en"):
        call_command("optimise_routes", "6211", trucks=2, capacity=2000, seconds=2, accept=True, stdout=out)
    assert "2 routes" in out.getvalue() and "Accepted: 2 routes" in out.getvalue()
    assert "[Along the streets]" in out.getvalue()
    assert CollectionRoute.objects.filter(municipality=tozeur_streets.municipality).count() == 2


def test_the_planner_page_in_arabic(tozeur_streets: Town, planner_tozeur, client: Client):
    client.force_login(planner_tozeur)
    page = client.get("/ar/routes/6211/")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()


def test_the_admin_lists_her_municipalitys_runs_only(
    tozeur_streets: Town, beja: Town, planner_tozeur, client: Client, django_capture_on_commit_callbacks
):
    from gisportal.routing import services

    for town in (tozeur_streets, beja):
        parameters = planning.Parameters.clean({"seconds": 1}, municipality=town.municipality)
        services.request_optimisation(municipality=town.municipality, user=None, parameters=parameters, wait=True)
    client.force_login(planner_tozeur)
    page = client.get("/admin/routing/optimisationrun/").content.decode()
    assert "/routes/6211/" in page and "/routes/2111/" not in page
    assert client.get("/admin/routing/roadnetwork/").status_code == 200


def test_the_pages_make_a_fixed_number_of_queries(
    tozeur_streets: Town, planner_tozeur, client: Client, django_assert_max_num_queries
):
    from gisportal.routing import services

    parameters = planning.Parameters.clean({"seconds": 1}, municipality=tozeur_streets.municipality)
    run = services.request_optimisation(
        municipality=tozeur_streets.municipality, user=None, parameters=parameters, wait=True
    )
    client.force_login(planner_tozeur)
    with django_assert_max_num_queries(12):
        assert client.get(f"/routes/runs/{run.pk}/").status_code == 200
    with django_assert_max_num_queries(13):  # one more: the days today's routes run, the form's default days
        assert client.get("/routes/6211/").status_code == 200


def test_a_full_truck_unloads_at_the_landfill_and_carries_on(tozeur_streets: Town):
    from gisportal.routing import feasibility, services, solver
    from gisportal.routing.models import OptimisationRun

    landfill = ServicePoint.objects.create(
        municipality=tozeur_streets.municipality,
        kind=ServicePoint.Kind.LANDFILL,
        name="Décharge",
        location=Point(streets.N[0], streets.N[1] + 0.0001, srid=4326),
    )
    # 4 x 660 + 1100 = 3,740 litres for one truck of 2,000: at least two trips to the landfill.
    given = {"disposal": landfill.pk, "trucks": 1, "capacity": 2000, "seconds": 1, "unloading_minutes": 10}
    parameters = planning.Parameters.clean(given, municipality=tozeur_streets.municipality)
    assert parameters.disposals == [landfill.pk] and parameters.depot is None
    chosen = planning.containers(tozeur_streets.municipality, parameters)
    where = planning.places(tozeur_streets.municipality, parameters, chosen)
    size = len(where.points)
    problem = planning._problem(parameters, chosen, [[60] * size] * size, where)
    assert problem.trucks[0].start == problem.trucks[0].end == 0  # home to the depot after the landfill
    assert {s.site for s in problem.stops} == {1} and min(s.location for s in problem.stops) == 2
    assert problem.unloading == {1: 600}
    solution = solver.solve(problem, seconds=1)
    assert feasibility.check(problem, solution).feasible and not solution.unassigned
    assert len(solution.routes[0].unloads) >= 2
    run = services.request_optimisation(
        municipality=tozeur_streets.municipality, user=None, parameters=parameters, wait=True
    )
    run.refresh_from_db()
    assert run.status == OptimisationRun.Status.DONE, run.error
    (route,) = run.proposal["routes"]
    assert len(route["stops"]) == 5 and len(route["unloads"]) >= 2
    assert {u["site"] for u in route["unloads"]} == {"Décharge"}
    assert all(stop["load_l"] <= 2000 for stop in route["stops"])
    assert f"{streets.N[0]:.2f}" in route["geometry"]  # it drives by N, beside the landfill
    depot = ServicePoint.objects.create(
        municipality=tozeur_streets.municipality,
        kind=ServicePoint.Kind.SCHOOL,
        name="École",
        location=Point(*streets.C, srid=4326),
    )
    with pytest.raises(planning.PlanningError):  # a school is no landfill
        planning.Parameters.clean({"disposal": depot.pk}, municipality=tozeur_streets.municipality)
