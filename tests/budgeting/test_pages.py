"""The citizen pages of a budget, as plain forms (no JavaScript), in Arabic, French and English; staff pages scoped."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from gisportal.accounts.models import Role
from gisportal.budgeting import services
from gisportal.budgeting.models import Ballot, Phase, Proposal
from gisportal.participants.selectors import SESSION_KEY
from tests.budgeting.conftest import open_phase
from tests.conftest import TOZEUR_CENTRE, staff

LON, LAT = TOZEUR_CENTRE
BASE = "/pb/6211/2026/"


def sign_in(client, participant):
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()


@pytest.mark.parametrize("language", ["", "/ar", "/en"])
def test_the_budget_pages_answer_in_each_language(client, budget, language):
    for path in ("/pb/", BASE):
        page = client.get(language + path)
        assert page.status_code == 200, path
    assert 'dir="rtl"' in client.get("/ar" + BASE).content.decode()


def test_districts_are_named_in_the_page_language(client, budget, tozeur):
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()
    assert "وسط توزر" in client.get("/ar" + BASE).content.decode()
    assert "Tozeur centre" in client.get("/en" + BASE).content.decode()


def test_a_citizen_proposes_without_javascript_then_it_is_on_the_public_list_and_map(client, budget, residents):
    assert client.get(BASE + "propose/").status_code == 302  # sign in first
    sign_in(client, residents[0])
    form = {
        "title": "Éclairage de la rue <b>des palmiers</b>",
        "description": "Des lampadaires",
        "category": "lighting",
        "estimated_cost": "15000",
        "lat": str(LAT),
        "lon": str(LON),
    }
    response = client.post(BASE + "propose/", form)
    assert response.status_code == 302 and response["Location"] == BASE + "proposals/P1/?new=1"
    listing = client.get(BASE).content.decode()
    assert "Éclairage de la rue &lt;b&gt;des palmiers&lt;/b&gt;" in listing
    geojson = client.get(BASE + "proposals.geojson").json()
    assert geojson["features"][0]["properties"]["title"].startswith("Éclairage")
    assert "author" not in geojson["features"][0]["properties"]
    assert residents[0].contact not in client.get(BASE + "proposals.csv").content.decode()


def test_bad_proposals_get_a_message_and_nothing_is_stored(client, budget, residents):
    sign_in(client, residents[0])
    outside = {
        "title": "Loin",
        "description": "x",
        "category": "other",
        "estimated_cost": "10",
        "lat": "36.8",
        "lon": "10.1",
    }
    response = client.post(BASE + "propose/", outside)
    assert response.status_code == 400 and "hors de la municipalité" in response.content.decode()
    nowhere = {"title": "Nulle part", "description": "x", "category": "other", "estimated_cost": "10"}
    assert client.post(BASE + "propose/", nowhere).status_code == 400
    broken = dict(
        outside,
        lat=str(LAT),
        lon=str(LON),
        shape='{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}',
    )
    assert client.post(BASE + "propose/", broken).status_code == 400
    assert not Proposal.objects.exists()


def test_proposals_are_closed_outside_their_phase(client, budget, residents):
    open_phase(budget, Phase.Kind.REVIEW)
    sign_in(client, residents[0])
    assert client.get(BASE + "propose/").status_code == 403
    assert client.get(BASE + "vote/").status_code == 403


@pytest.fixture
def on_ballot(budget, residents, planner_tozeur):
    proposals = []
    for i, cost in enumerate((60_000, 30_000)):
        p = services.submit_proposal(
            budget=budget,
            author=residents[i],
            title=f"Projet {cost}",
            description="d",
            category="green",
            location=Point(LON + 0.015, LAT, srid=4326),
            estimated_cost=cost,
        )
        services.review_proposal(proposal=p, staff=planner_tozeur, feasible=True, cost=cost)
        proposals.append(p)
    open_phase(budget, Phase.Kind.VOTING)
    return proposals


def test_a_citizen_votes_with_a_plain_form_and_can_change_her_ballot(client, budget, residents, on_ballot, tozeur):
    sign_in(client, residents[0])
    page = client.get(f"{BASE}vote/?district={tozeur.district.pk}")
    assert page.status_code == 200 and "Projet 60000" in page.content.decode()
    too_much = {"proposal": [str(p.pk) for p in on_ballot] + ["99999"], "district": tozeur.district.pk}
    assert client.post(BASE + "vote/", too_much).status_code == 400
    cast = client.post(BASE + "vote/", {"proposal": [on_ballot[0].pk]})
    assert cast.status_code == 303 and cast["Location"] == BASE + "vote/?saved=1"
    assert client.post(BASE + "vote/", {"proposal": [on_ballot[1].pk]}).status_code == 303
    assert list(Ballot.objects.values_list("proposals", flat=True)) == [[on_ballot[1].pk]]
    again = client.get(BASE + "vote/").content.decode()
    assert f'value="{on_ballot[1].pk}" data-cost="30000" checked' in again


def test_results_are_published_with_reasons_and_without_any_voter(client, budget, residents, on_ballot):
    for participant in residents[:6]:
        services.cast_ballot(budget=budget, participant=participant, proposal_ids=[on_ballot[0].pk], district=None)
    assert client.get(BASE + "results/").status_code == 404
    services.publish_results(budget=budget)
    page = client.get("/en" + BASE + "results/").content.decode()
    assert "Selected: with 6 votes it came number 1" in page
    assert "nobody voted for it" in page
    election = client.get(BASE + "election.pb").content.decode()
    assert "vote_type;approval" in election and residents[0].contact not in election
    assert client.get(BASE + "projects/").status_code == 200


def test_paper_ballots_are_staff_only_and_scoped(client, budget, on_ballot, planner_tozeur, beja):
    url = BASE + "paper-ballot/"
    assert client.get(url).status_code == 302  # to the staff login
    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    assert client.get(url).status_code == 404
    client.force_login(planner_tozeur)
    assert client.get(url).status_code == 200
    response = client.post(url, {"national_id": "01234567", "proposal": [on_ballot[0].pk]})
    assert response.status_code == 302
    again = client.post(url, {"national_id": "0123 4567", "proposal": [on_ballot[1].pk]})
    assert again.status_code == 400 and "déjà voté" in again.content.decode()
    assert Ballot.objects.get().source == "paper"


def test_the_participant_sees_her_own_activity(client, budget, residents, on_ballot):
    sign_in(client, residents[0])
    client.post(BASE + "vote/", {"proposal": [on_ballot[0].pk]})
    page = client.get("/en" + reverse("participants:profile")).content.decode()
    assert "You voted in Budget participatif 2026" in page and f'href="/en{BASE}vote/"' in page


def test_the_open_data_page_lists_the_budgets_files(client, budget):
    page = client.get("/en/open-data/?municipality=6211").content.decode()
    assert "Budget participatif 2026: proposals and results" in page
    assert f'href="/en{BASE}proposals.geojson"' in page and f'href="/en{BASE}proposals.csv"' in page


def test_casting_a_ballot_takes_a_pinned_number_of_queries(
    client, budget, residents, on_ballot, django_assert_max_num_queries
):
    sign_in(client, residents[0])
    client.post(BASE + "vote/", {"proposal": [on_ballot[0].pk]})
    # Session, participant, budget with its phases and envelopes, her ballot, the ballot's proposals, the voter
    # row locked, the ballot written, and the request's savepoints: no query per proposal or per envelope.
    with django_assert_max_num_queries(14):
        assert client.post(BASE + "vote/", {"proposal": [on_ballot[1].pk]}).status_code == 303
