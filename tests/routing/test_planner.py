"""The planner's journey on Tozeur's drawn streets: a run as a background job, the proposal against today's routes,
acceptance replacing the routes atomically (kept, restorable), the citizen lookup answering from them; scoping."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from gisportal.routing import feasibility, planning, services
from gisportal.routing.models import OptimisationRun
from layers.models import CollectionRoute
from tests.conftest import Town
from tests.routing import streets


def optimise(town: Town, django_capture_on_commit_callbacks, **given) -> OptimisationRun:
    parameters = planning.Parameters.clean(
        {"trucks": 2, "capacity": 2000, "seconds": 2, **given}, municipality=town.municipality
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_optimisation(municipality=town.municipality, user=None, parameters=parameters)
    run.refresh_from_db()
    return run


def test_a_run_plans_every_container_along_the_streets_within_capacity(
    tozeur_streets, django_capture_on_commit_callbacks
):
    run = optimise(tozeur_streets, django_capture_on_commit_callbacks)
    assert run.status == OptimisationRun.Status.DONE, run.error
    assert run.method == OptimisationRun.Method.NETWORK
    proposal = run.proposal
    served = [stop["id"] for route in proposal["routes"] for stop in route["stops"]]
    assert len(served) == len(set(served)) == 5 and not proposal["unassigned"]
    # 4 x 660 + 1100 litres = 3740: two trucks of 2000 litres are both needed.
    assert proposal["trucks"] == 2
    assert all(route["stops"][-1]["load_l"] <= 2000 for route in proposal["routes"])
    assert all(json.loads(route["geometry"])["type"] == "MultiLineString" for route in proposal["routes"])
    assert proposal["routes"][0]["starts"] >= "06:00"
    assert run.current == {
        "routes": 1,
        "km": pytest.approx(run.current["km"]),
        "km_week": pytest.approx(3 * run.current["km"], abs=0.2),  # today's route runs Mon, Wed, Fri
        "hours": pytest.approx(run.current["hours"]),
    }
    # Each stop carries volume and weight (full containers by default, 0.2 kg a litre).
    assert all(
        stop["load_kg"] == pytest.approx(stop["load_l"] * 0.2, abs=1) for r in proposal["routes"] for stop in r["stops"]
    )
    assert "2 routes" in run.summary


def test_the_municipal_problem_passes_the_independent_check(tozeur_streets):
    parameters = planning.Parameters.clean(
        {"trucks": 1, "capacity": 5000, "crane_trucks": 1}, municipality=tozeur_streets.municipality
    )
    chosen = planning.containers(tozeur_streets.municipality, parameters)
    problem = planning._problem(parameters, chosen, [[60] * 6 for _ in range(6)])
    assert {s.id for s in problem.stops if s.skills} == {c.id for c in chosen if c.litres >= 1100}
    from gisportal.routing import solver

    assert feasibility.check(problem, solver.solve(problem, seconds=1)).feasible


def test_accepting_replaces_the_routes_the_citizen_lookup_answers_from_them_and_undo_restores(
    tozeur_streets, django_capture_on_commit_callbacks, client: Client
):
    old = tozeur_streets.route
    # Every container on the new days (not only those whose routes run then).
    run = optimise(
        tozeur_streets, django_capture_on_commit_callbacks, days=[2, 6], shift_start="05:00", days_from="chosen"
    )
    services.accept(run=run, user=None)
    routes = list(CollectionRoute.objects.filter(municipality=tozeur_streets.municipality).order_by("name"))
    assert [r.name for r in routes] == ["Optimised round 1", "Optimised round 2"]
    assert all(r.service_days == [2, 6] and r.starts_at.hour >= 5 for r in routes)
    assert sum(r.service_points.count() for r in routes) == 5
    assert CollectionRoute.history.filter(id=old.pk, history_type="-").exists()
    latest = routes[0].history.first()
    assert latest.service_points.count() == routes[0].service_points.count() > 0  # the stops are in the history
    answer = client.get(
        reverse("maps:collection-day", args=["6211"]), {"lon": str(streets.N[0]), "lat": str(streets.N[1])}
    ).json()
    assert answer["route"].startswith("Optimised round") and answer["days"] == [2, 6]
    assert answer["starts"] >= "05:00"

    services.restore(run=run)
    assert list(
        CollectionRoute.objects.filter(municipality=tozeur_streets.municipality).values_list("name", flat=True)
    ) == [old.name]
    restored = CollectionRoute.objects.get(municipality=tozeur_streets.municipality)
    assert list(restored.service_points.values_list("pk", flat=True)) == [tozeur_streets.container.pk]


def test_a_failing_acceptance_leaves_the_old_routes(tozeur_streets, django_capture_on_commit_callbacks):
    run = optimise(tozeur_streets, django_capture_on_commit_callbacks)
    broken = run.proposal
    broken["routes"][-1]["stops"].append({"id": 10**9})  # a container that does not exist
    OptimisationRun.objects.filter(pk=run.pk).update(proposal=broken)
    with pytest.raises(services.DecisionError):
        services.accept(run=run, user=None)
    assert list(CollectionRoute.objects.filter(municipality=tozeur_streets.municipality)) == [tozeur_streets.route]
    run.refresh_from_db()
    assert run.status == OptimisationRun.Status.DONE


def test_without_streets_the_fallback_is_labelled(
    beja: Town, django_capture_on_commit_callbacks, administrator, client
):
    run = optimise(beja, django_capture_on_commit_callbacks)
    assert run.status == OptimisationRun.Status.DONE
    assert run.method == OptimisationRun.Method.GEODESIC
    client.force_login(administrator)
    page = client.get(reverse("routing:run", args=[run.pk]))
    assert b'id="run-geodesic"' in page.content


def test_the_planner_page_runs_and_shows_the_proposal_on_the_map(
    tozeur_streets, planner_tozeur, client: Client, django_capture_on_commit_callbacks
):
    client.force_login(planner_tozeur)
    url = reverse("routing:planner", args=["6211"])
    assert client.get(url).status_code == 200
    form = {
        "selection": "all",
        "trucks": 2,
        "crane_trucks": 0,
        "capacity": 2000,
        "shift_start": "06:00",
        "shift_end": "12:00",
        "service_seconds": 60,
        "days": [1, 4],
        "break_start": "08:00",
        "break_end": "09:00",
        "break_minutes": 20,
        "seconds": 2,
        "district": "",
        "days_from": "chosen",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(response["Location"])
    run = OptimisationRun.objects.get()
    first = run.proposal["routes"][0]["name"]  # in the planner's language
    assert first.encode() in page.content and b'id="accept"' in page.content
    assert b"leaflet" in page.content.lower()
    assert all(len(route["breaks"]) == 1 for route in run.proposal["routes"])
    assert client.post(reverse("routing:decide", args=[run.pk, "accept"])).status_code == 302
    assert CollectionRoute.objects.filter(name=first, service_days=[1, 4]).exists()


def test_bad_input_is_refused_and_nothing_stored(tozeur_streets, planner_tozeur, client: Client):
    client.force_login(planner_tozeur)
    response = client.post(
        reverse("routing:planner", args=["6211"]),
        {
            "selection": "all",
            "trucks": 0,
            "capacity": 2000,
            "shift_start": "12:00",
            "shift_end": "06:00",
            "service_seconds": 60,
            "days": [1],
            "seconds": 2,
            "crane_trucks": 0,
        },
    )
    assert response.status_code == 400
    assert not OptimisationRun.objects.exists()


def test_a_planner_cannot_optimise_another_municipality(
    tozeur_streets, beja: Town, planner_tozeur, client: Client, django_capture_on_commit_callbacks
):
    client.force_login(planner_tozeur)
    assert client.get(reverse("routing:planner", args=["2111"])).status_code == 404
    run = optimise(beja, django_capture_on_commit_callbacks)
    assert client.get(reverse("routing:run", args=[run.pk])).status_code == 404
    assert client.post(reverse("routing:decide", args=[run.pk, "accept"])).status_code == 404
    with pytest.raises(planning.PlanningError):
        planning.Parameters.clean(
            {"selection": "district", "district": beja.district.pk}, municipality=tozeur_streets.municipality
        )
