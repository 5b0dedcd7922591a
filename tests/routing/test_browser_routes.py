"""In Chromium: a Tozeur planner runs an optimisation, sees the proposal over today's routes on the map, accepts it,
and the citizens' collection lookup answers with the new days and times; nothing leaves the server."""

import json

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.routing.models import OptimisationRun
from layers.models import CollectionRoute
from tests.browser import Traffic, log_in
from tests.conftest import Town
from tests.routing import streets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_optimises_reviews_and_accepts_tozeur_routes(
    page: Page, traffic: Traffic, live_server: LiveServer, tozeur_streets: Town, planner_tozeur: User
) -> None:
    log_in(page, live_server, planner_tozeur, "/routes/6211/")
    page.fill("#id_trucks", "2")
    page.fill("#id_capacity", "2000")
    page.fill("#id_seconds", "2")
    page.check("#id_days_1")  # Tuesday, with the default Monday, Wednesday, Friday
    page.check("#id_days_from_1")  # every container on every chosen day (not only the days of its route today)
    with page.expect_navigation():
        page.click("form.gisportal-routing-form button[type=submit]")
    expect(page.locator("#run-summary")).to_contain_text("km")
    expect(page.locator(".leaflet-container")).to_be_visible()
    legend = page.locator(".leaflet-control-layers, .gisportal-legend, details").first
    expect(legend).to_be_attached()
    assert page.locator("path.leaflet-interactive").count() >= 3  # today's route and the two proposed rounds
    with page.expect_navigation():
        page.click("#accept")
    expect(page.locator("#restore")).to_be_visible()

    run = OptimisationRun.objects.get()
    assert run.status == OptimisationRun.Status.ACCEPTED
    assert CollectionRoute.objects.filter(municipality=tozeur_streets.municipality).count() == 2
    page.goto(f"{live_server.url}/m/6211/collection-day.json?lon={streets.N[0]}&lat={streets.N[1]}")
    answer = json.loads(page.inner_text("body"))
    assert answer["days"] == [1, 2, 3, 5]
    assert answer["route"] in [r["name"] for r in run.proposal["routes"]]
    assert answer["starts"] >= "06:00"
    traffic.assert_offline()
    traffic.assert_no_console_errors()
