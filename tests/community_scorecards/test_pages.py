"""Citizen and staff pages on the real PostGIS: the score card in three languages, online scoring from a verified
phone, staff entering the paper results for their own municipality only, the open data without personal data."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gisportal import spaces
from gisportal.accounts.models import Role
from gisportal.community_scorecards import services, space
from gisportal.community_scorecards.models import Cycle, FocusGroup, Indicator, InputIndicator, OnlineScore
from gisportal.participants.models import Participant
from gisportal.participants.selectors import SESSION_KEY
from tests.community_scorecards.conftest import open_phase
from tests.conftest import Town, staff

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def url(cycle: Cycle, page: str = "") -> str:
    return f"/score-cards/6211/{cycle.pk}/" + (f"{page}/" if page else "")


def as_participant(participant: Participant) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()
    return client


@pytest.fixture
def scored(cycle: Cycle, indicators: list[Indicator], planner_tozeur: User, verified, tozeur: Town) -> Cycle:
    services.record_input(
        cycle=cycle, name="Camions", value=Decimal(3), planned=Decimal(5), unit="camions", source="Parc municipal"
    )
    services.record_focus_group(
        cycle=cycle,
        kind="women",
        size=14,
        met_on=timezone.localdate(),
        place="Maison de la femme",
        scores=[services.Score(indicators[0], 2, "Passages manqués le samedi", "Afficher le calendrier")],
        staff=planner_tozeur,
    )
    services.record_self_evaluation(
        indicator=indicators[0], score=services.Score(indicators[0], 4, "Un camion en panne"), staff=planner_tozeur
    )
    services.score_online(cycle=cycle, participant=verified[0], scores=[services.Score(indicators[0], 3)])
    return cycle


@pytest.mark.parametrize(
    ("prefix", "direction", "heading"),
    [("", "ltr", "La carte"), ("/ar", "rtl", "بطاقة"), ("/en", "ltr", "The score card")],
)
def test_the_cycle_page_in_three_languages(client: Client, scored: Cycle, prefix, direction, heading) -> None:
    response = client.get(prefix + url(scored))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'dir="{direction}"' in body and heading in body
    assert "Passages manqués le samedi" in body and "Afficher le calendrier" in body
    if prefix == "/en":  # the provider's 4 against the groups' 2
        assert re.search(r"minus the groups.{0,20} mean</th><td class=\"n\">2.0</td>", body)
    assert body.count("<svg") == 2  # one chart per indicator, each with its table
    assert "<script" not in body  # nothing needs JavaScript
    assert "+2169100000" not in body  # never a participant's contact
    if direction == "rtl":  # bars grow from the right edge in Arabic
        assert 'direction="rtl"' in body and 'text-anchor="start" direction="rtl"' in body
    assert len(response.content) < 150_000


def test_the_list_of_a_municipality_and_its_space(client: Client, scored: Cycle, tozeur: Town) -> None:
    index = client.get("/ar/score-cards/").content.decode()
    assert "مفتوحة للتقييم الآن" in index and f"/ar{url(scored, 'score')}" in index
    body = client.get("/score-cards/6211/").content.decode()
    assert "Collecte des déchets 2026" in body and url(scored, "score") in body
    with CaptureQueriesContext(connection) as queries:
        found = space.space(tozeur.municipality)
    assert len(queries) == 1  # one read on the municipality's page, however many cycles
    assert found is not None and found.order == 36 and found.open_now[0].url == url(scored, "score")
    assert (tozeur.municipality, found.open_now[0]) in spaces.open_everywhere()  # the home page's list
    assert url(scored, "score") in Client().get("/").content.decode()
    open_phase(scored, "interface")
    found = space.space(tozeur.municipality)
    assert found is not None and found.open_now == ()
    assert client.get("/score-cards/9999/").status_code == 404
    assert client.get(f"/score-cards/2111/{scored.pk}/").status_code == 404  # not Béja's


def test_scoring_sends_her_to_verify_and_back(client: Client, cycle: Cycle, indicators) -> None:
    response = client.get("/ar" + url(cycle, "score"))
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/participate/?next=/ar/score-cards/6211/")


def test_a_verified_participant_scores_then_changes_her_score(
    cycle: Cycle, indicators, verified, planner_tozeur
) -> None:
    client = as_participant(verified[0])
    first = indicators[0].pk
    form = {f"score-{first}": "2", f"reason-{first}": "En retard", f"suggestion-{first}": "Un camion de plus"}
    response = client.post(url(cycle, "score"), form)
    assert response.status_code == 303
    page = client.get(url(cycle, "score")).content.decode()
    assert "<script" not in page and 'type="radio"' in page  # a plain form
    assert 'value="2" checked' in page or re.search(r'value="2"[^>]*checked', page)
    client.post(url(cycle, "score"), {**form, f"score-{first}": "4"})
    assert OnlineScore.objects.get().score == 4
    staff_page = Client()
    staff_page.force_login(planner_tozeur)
    assert "Un camion de plus" in staff_page.get(url(cycle, "staff")).content.decode()  # for the meeting
    assert "Un camion de plus" not in Client().get(url(cycle)).content.decode()  # never published
    assert client.post(url(cycle, "score"), {f"score-{first}": "9"}).status_code == 400
    assert OnlineScore.objects.get().score == 4


def test_the_honeypot_and_a_closed_phase_store_nothing(cycle: Cycle, indicators, verified) -> None:
    client = as_participant(verified[1])
    first = indicators[0].pk
    assert client.post(url(cycle, "score"), {f"score-{first}": "3", "website": "spam"}).status_code == 400
    open_phase(cycle, "self-evaluation")
    assert client.post(url(cycle, "score"), {f"score-{first}": "3"}).status_code == 403
    assert OnlineScore.objects.count() == 0


def test_staff_enter_the_paper_results_of_their_municipality_only(cycle: Cycle, planner_tozeur, beja: Town) -> None:
    client = Client()
    client.login(username="planner-tozeur", password=PASSWORD)
    page = url(cycle, "staff")
    staff_html = client.get(page).content.decode()
    assert f"/admin/community_scorecards/cycle/{cycle.pk}/change/" in staff_html
    client.post(page, {"form": "indicator", "indicator-name": "Propreté des rues"})
    client.post(
        page,
        {
            "form": "input",
            "input-name": "Bacs",
            "input-value": "120",
            "input-unit": "bacs",
            "input-source": "Inventaire 2026",
        },
    )
    client.post(page, {"form": "indicator", "indicator-name": "Bacs suffisants"})
    indicator, untouched = Indicator.objects.order_by("pk")
    assert '<option value="" selected>' in client.get(page).content.decode()  # no score until one is chosen
    response = client.post(
        page,
        {
            "form": "group",
            "group-kind": "youth",
            "group-size": "9",
            "group-met_on": timezone.localdate().isoformat(),
            "group-place": "Maison des jeunes",
            f"group-score-{indicator.pk}": "2",
            f"group-reason-{indicator.pk}": "Déchets au marché",
            f"group-score-{untouched.pk}": "",
        },
    )
    assert response.status_code == 302
    assert FocusGroup.objects.get().scores.get().score == 2 and InputIndicator.objects.get().value == 120
    bad = client.post(
        page,
        {
            "form": "group",
            "group-kind": "district",
            "group-size": "5",
            "group-met_on": timezone.localdate().isoformat(),
            "group-place": "x",
            f"group-score-{indicator.pk}": "3",
            f"group-reason-{indicator.pk}": "r",
        },
    )
    assert bad.status_code == 400 and FocusGroup.objects.count() == 1
    early = client.post(
        page,
        {
            "form": "action",
            "action-what": "x",
            "action-who": "y",
            "action-due_on": "2030-01-01",
            "action-agreed_on": timezone.localdate().isoformat(),
        },
    )
    assert early.status_code == 400 and "réunion d\u2019interface" in early.content.decode()

    other = Client()
    staff("planner-beja", Role.PLANNER, "2111")
    other.login(username="planner-beja", password=PASSWORD)
    assert other.get(page).status_code == 404
    assert other.post(page, {"form": "indicator", "indicator-name": "x"}).status_code == 404
    assert other.get("/score-cards/6211/new/").status_code == 404


def test_staff_start_a_cycle(planner_tozeur, tozeur: Town) -> None:
    client = Client()
    client.login(username="planner-tozeur", password=PASSWORD)
    today = timezone.localdate()
    form = {
        "title": "Éclairage public",
        "service": "lighting",
        "subject": "territory",
        "district": tozeur.district.pk,
        "provider": "Service technique",
    }
    for i, kind in enumerate(["preparation", "scoring", "self-evaluation", "interface", "follow-up"]):
        form[f"{kind}-starts"] = (today + timedelta(days=10 * i)).isoformat()
        form[f"{kind}-ends"] = (today + timedelta(days=10 * i + 5)).isoformat()
    response = client.post("/score-cards/6211/new/", form)
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assert cycle.district == tozeur.district and cycle.phases.count() == 5
    form["scoring-starts"] = today.isoformat()  # overlaps the preparation
    assert client.post("/score-cards/6211/new/", form).status_code == 400
    assert Cycle.objects.count() == 1


def test_open_data_has_totals_and_no_one(client: Client, scored: Cycle) -> None:
    response = client.get(url(scored) + "score-card.csv")
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "group:women" in body and "self-evaluation" in body and "online" in body and "Camions" in body
    assert "+2169100000" not in body and "planner" not in body
    listing = client.get("/open-data/?municipality=6211").content.decode()
    assert url(scored) + "score-card.csv" in listing and url(scored) + "score-card.json" in listing
    data = client.get(url(scored) + "score-card.json").json()
    online = [r for r in data["rows"] if r["source"] == "online"]
    assert online == [
        {
            "table": "score",
            "item": "Passage aux jours annoncés",
            "source": "online",
            "district": None,
            "people": None,
            "date": None,
            "value": 3.0,
            "unit": "1-5",
            "count": 1,
            "status": None,
            "due_on": None,
        }
    ]
    women = next(r for r in data["rows"] if r["source"] == "group:women")
    assert (women["people"], women["value"], women["date"]) == (14, 2, timezone.localdate().isoformat())
    assert "+2169100000" not in str(data)


def test_her_own_page_lists_what_she_scored(scored: Cycle, verified) -> None:
    page = as_participant(verified[0]).get("/participate/me/").content.decode()
    assert "Collecte des déchets 2026" in page


def test_the_cycle_page_reads_in_a_fixed_number_of_queries(
    client: Client, scored: Cycle, indicators, planner_tozeur
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/ar" + url(scored)).status_code == 200
        return len(queries)

    def add_action(n: int) -> None:
        action = services.agree_action(
            cycle=scored, what=f"Action {n}", who="Mairie", due_on=timezone.localdate(), agreed_on=timezone.localdate()
        )
        services.update_action(action=action, status="in-progress", note="n", on=timezone.localdate(), staff=None)

    open_phase(scored, "follow-up")
    add_action(0)
    before = count()
    for kind in ("men", "youth", "elderly"):
        services.record_focus_group(
            cycle=scored,
            kind=kind,
            size=7,
            met_on=timezone.localdate(),
            place="Salle",
            scores=[services.Score(i, 3, "r", "s") for i in indicators],
            staff=planner_tozeur,
        )
    for n in range(1, 5):
        add_action(n)
    assert count() == before <= 12


def test_the_admin_shows_a_planner_her_cycles_only(scored: Cycle, planner_tozeur, beja: Town) -> None:
    other = services.create_cycle(
        municipality=beja.municipality, title="Guichet de Béja", service="fees", provider="Recette", phases={}
    )
    client = Client()
    client.login(username="planner-tozeur", password=PASSWORD)
    listing = client.get("/admin/community_scorecards/cycle/").content.decode()
    assert "Collecte des déchets 2026" in listing and "Guichet de Béja" not in listing
    assert client.get(f"/admin/community_scorecards/cycle/{other.pk}/change/").status_code in {302, 403, 404}
    assert client.get(f"/admin/community_scorecards/cycle/{scored.pk}/history/").status_code == 200
    assert client.get("/admin/community_scorecards/onlinescore/").status_code == 404


def test_the_admin_refuses_phases_out_of_order(scored: Cycle, administrator) -> None:
    client = Client()
    client.force_login(administrator)
    page = f"/admin/community_scorecards/cycle/{scored.pk}/change/"
    phases = list(scored.phases.order_by("starts_on"))
    form = {
        "title": scored.title,
        "municipality": scored.municipality_id,
        "subject": "service",
        "service": "waste",
        "provider": scored.provider,
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": len(phases),
        "inputs-TOTAL_FORMS": 0,
        "inputs-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }
    for i, phase in enumerate(phases):
        form |= {
            f"phases-{i}-id": phase.pk,
            f"phases-{i}-cycle": scored.pk,
            f"phases-{i}-kind": phase.kind,
            f"phases-{i}-starts_on": phase.starts_on.isoformat(),
            f"phases-{i}-ends_on": phase.ends_on.isoformat(),
        }
    form["phases-1-starts_on"] = phases[0].starts_on.isoformat()  # scoring starts with the preparation
    response = client.post(page, form)
    assert response.status_code == 200 and "après la fin de la phase précédente" in response.content.decode()
    assert scored.phases.get(kind="scoring").starts_on == phases[1].starts_on
