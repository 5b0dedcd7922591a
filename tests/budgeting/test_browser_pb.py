"""The whole cycle in Chromium: a citizen proposes on the map from an Arabic phone, another votes, the municipality's
planner publishes the results in the admin, and the results map shows the winner."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.budgeting import services
from gisportal.budgeting.models import Budget, Phase, Proposal
from tests.browser import Traffic, log_in
from tests.budgeting.conftest import open_phase
from tests.conftest import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASE = "/pb/6211/2026/"


def sign_in(page: Page, contact: str) -> None:
    """The one-time code, read from the e-mail the portal sent."""
    page.fill("#id_contact", contact)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    found = re.search(r"\b(\d{6})\b", [str(m.body) for m in mail.outbox if contact in m.to][-1])
    assert found is not None
    page.fill("#id_code", found.group(1))
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_a_cycle_from_an_arabic_phone_to_the_winners_on_the_map(
    browser: Browser,
    phone: tuple[Page, Traffic],
    live_server: LiveServer,
    budget: Budget,
    tozeur: Town,
    planner_tozeur: User,
) -> None:
    page, traffic = phone
    page.goto(f"{live_server.url}/ar{BASE}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.click(f"a[href='/ar{BASE}propose/']")
    sign_in(page, "amal@example.tn")
    assert page.url.endswith(f"/ar{BASE}propose/")

    # A tap in the middle of the map (the municipality's extent) places the project in the district.
    expect(page.locator("#pb-map")).to_be_visible()
    box = page.locator("#pb-map").bounding_box()
    assert box is not None
    page.locator("#pb-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#id_lat") != ""
    page.fill("#id_title", "حديقة للأطفال")
    page.fill("#id_description", "ألعاب ومقاعد وأشجار")
    page.select_option("#id_category", "green")
    page.fill("#id_estimated_cost", "20000")
    with page.expect_navigation():
        page.click("#propose button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.district == tozeur.district and proposal.title == "حديقة للأطفال"

    services.review_proposal(proposal=proposal, staff=planner_tozeur, feasible=True, cost=22_000)
    open_phase(budget, Phase.Kind.VOTING)

    # Another resident votes, on a desktop in French, with the plain ballot form.
    voter = browser.new_context(locale="fr-TN")
    ballot = voter.new_page()
    ballot.goto(f"{live_server.url}{BASE}vote/")
    sign_in(ballot, "sami@example.tn")
    ballot.select_option("#district", str(tozeur.district.pk))
    with ballot.expect_navigation():
        ballot.click("form.form:not(#ballot) button")
    choice = ballot.locator(f"input[name=proposal][value='{proposal.pk}']")
    choice.check()
    expect(ballot.locator("fieldset.envelope", has=choice).locator(".tally")).to_contain_text("22")
    with ballot.expect_navigation():
        ballot.click("#ballot button[type=submit]")
    expect(ballot.locator(".notice")).to_be_visible()

    # Tozeur's planner counts and publishes in the admin.
    open_phase(budget, Phase.Kind.RESULTS)
    staff = voter.new_page()
    log_in(staff, live_server, planner_tozeur, "/admin/budgeting/budget/")
    staff.check("input.action-select")
    staff.select_option("select[name=action]", "publish_results")
    with staff.expect_navigation():
        staff.click("button[name=index]")
    expect(staff.locator(".messagelist")).to_be_visible()
    voter.close()

    # The results map shows the winner, its popup a link to it.
    page.goto(f"{live_server.url}/ar{BASE}results/")
    expect(page.locator("table.results tr.selected")).to_have_count(1)
    marker = page.locator("#pb-map .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.tap()
    expect(page.locator(".leaflet-popup-content a")).to_have_text("حديقة للأطفال")
    assert [url for url in traffic.requests if not traffic.is_local(url)] == []
    assert traffic.console_errors == []
