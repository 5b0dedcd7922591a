"""A score card cycle runs to an action plan in Chromium: Tozeur's planner enters the paper results, a resident
scores in Arabic on a phone, the planner records the action plan agreed at the interface meeting, and the
resident's phone shows it with its status."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.community_scorecards.models import Cycle, OnlineScore
from tests.browser import Traffic, log_in
from tests.community_scorecards.conftest import open_phase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"#form-{form} button[type=submit]")
    expect(page.locator("ul.notice")).to_be_visible()


def test_a_score_card_cycle_runs_to_an_action_plan(
    page: Page,
    traffic: Traffic,
    phone: tuple[Page, Traffic],
    live_server: LiveServer,
    cycle: Cycle,
    planner_tozeur: User,
) -> None:
    staff_page = f"/score-cards/6211/{cycle.pk}/staff/"
    log_in(page, live_server, planner_tozeur, staff_page)
    page.fill("#id_indicator-name", "Passage aux jours annoncés")
    submit(page, "indicator")
    indicator = cycle.indicators.get()
    page.fill("#id_input-name", "Camions en état de marche")
    page.fill("#id_input-value", "6")
    page.fill("#id_input-planned", "8")
    page.fill("#id_input-unit", "camions")
    page.fill("#id_input-source", "Parc municipal")
    submit(page, "input")
    page.select_option("#id_group-kind", "women")
    page.fill("#id_group-size", "14")
    page.fill("#id_group-met_on", timezone.localdate().isoformat())
    page.fill("#id_group-place", "Maison de la femme")
    page.select_option(f"#id_group-score-{indicator.pk}", "2")
    page.fill(f"#id_group-reason-{indicator.pk}", "Le camion ne passe pas le samedi")
    page.fill(f"#id_group-suggestion-{indicator.pk}", "Afficher le calendrier")
    submit(page, "group")
    page.select_option("#id_self-indicator", str(indicator.pk))
    page.select_option("#id_self-score", "4")
    page.fill("#id_self-reason", "Deux camions sont en panne")
    submit(page, "self")

    # A resident scores in Arabic on her phone: the cycle page sends her to confirm her e-mail, then back.
    tab, phone_traffic = phone
    tab.goto(f"{live_server.url}/ar/score-cards/6211/{cycle.pk}/")
    expect(tab.locator("html")).to_have_attribute("dir", "rtl")
    with tab.expect_navigation():
        tab.click(f"a.button[href='/ar/score-cards/6211/{cycle.pk}/score/']")
    sign_in(tab, "amal@example.tn")
    assert tab.url.endswith(f"/ar/score-cards/6211/{cycle.pk}/score/")
    tab.locator(f"input[name='score-{indicator.pk}'][value='3']").check()
    tab.fill(f"#id_reason-{indicator.pk}", "يتأخر أحيانا")
    with tab.expect_navigation():
        tab.click("#score button[type=submit]")
    expect(tab.locator("p.notice[role=status]")).to_be_visible()
    assert OnlineScore.objects.get().score == 3

    # The interface meeting: the planner records the action plan and its first step.
    open_phase(cycle, "interface")
    page.goto(live_server.url + staff_page)
    page.fill("#id_action-what", "Afficher le calendrier de collecte dans chaque quartier")
    page.fill("#id_action-who", "Service de la propreté")
    page.fill("#id_action-due_on", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.fill("#id_action-agreed_on", timezone.localdate().isoformat())
    submit(page, "action")
    action = cycle.actions.get()
    page.select_option("#id_update-action", str(action.pk))
    page.select_option("#id_update-status", "in-progress")
    page.fill("#id_update-on", timezone.localdate().isoformat())
    page.fill("#id_update-note", "Affiches imprimées")
    submit(page, "update")

    # Her phone shows the score card and the action plan in Arabic, right to left.
    tab.goto(f"{live_server.url}/ar/score-cards/6211/{cycle.pk}/")
    row = tab.locator(f"#action-{action.pk}")
    expect(row).to_contain_text("Afficher le calendrier")
    expect(row.locator(".status-in-progress")).to_have_text("قيد الإنجاز")
    expect(row).to_contain_text("Affiches imprimées")
    chart = tab.locator(f"#indicator-{indicator.pk} svg")
    expect(chart).to_be_visible()
    assert chart.locator("text[direction=rtl]").count() >= 3
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    assert [url for url in phone_traffic.requests if not phone_traffic.is_local(url)] == []
    assert phone_traffic.console_errors == [] and traffic.console_errors == []
