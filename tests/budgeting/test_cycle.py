"""A whole participatory-budget cycle through its services: proposals placed by PostGIS, review, ballots, count."""

import itertools
from datetime import date

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import ValidationError

from gisportal.budgeting import selectors, services
from gisportal.budgeting.models import Ballot, Budget, Outcome, Phase, Proposal, TrackedProject, Voter
from gisportal.participants import services as participant_services
from tests.budgeting.conftest import open_phase
from tests.conftest import TOZEUR_CENTRE

LON, LAT = TOZEUR_CENTRE


def propose(budget, author, title, cost, *, lon=LON, lat=LAT, geometry=None):
    return services.submit_proposal(
        budget=budget,
        author=author,
        title=title,
        description="Pour le quartier",
        category=Proposal.Category.GREEN,
        location=geometry or Point(lon, lat, srid=4326),
        estimated_cost=cost,
    )


def test_a_proposal_is_placed_in_its_district_and_paid_from_its_envelope(budget, residents, tozeur):
    inside = propose(budget, residents[0], "Jardin", 20_000)
    assert inside.district == tozeur.district and inside.envelope.district == tozeur.district
    assert inside.code == "P1"
    # Outside the district (0.015° east) but inside the municipality: the municipality-wide envelope pays.
    street = LineString((LON + 0.012, LAT), (LON + 0.018, LAT), srid=4326)
    wide = propose(budget, residents[1], "Trottoir", 30_000, geometry=street)
    assert wide.district is None and wide.envelope.district is None and wide.code == "P2"


def test_a_proposal_outside_the_municipality_is_refused_and_nothing_stored(budget, residents):
    with pytest.raises(ValidationError, match="outside the municipality"):
        propose(budget, residents[0], "Ailleurs", 1_000, lon=LON + 1)
    assert not Proposal.objects.exists()


def test_proposals_only_during_the_proposals_phase(budget, residents):
    open_phase(budget, Phase.Kind.VOTING)
    with pytest.raises(ValidationError, match="Proposals"):
        propose(budget, residents[0], "Trop tard", 1_000)


def test_review_needs_a_cost_or_a_reason_and_is_kept_in_the_history(budget, residents, planner_tozeur):
    proposal = propose(budget, residents[0], "Fontaine", 10_000)
    with pytest.raises(ValidationError):
        services.review_proposal(proposal=proposal, staff=planner_tozeur, feasible=False)
    services.review_proposal(proposal=proposal, staff=planner_tozeur, feasible=True, cost=12_000)
    assert proposal.history.count() == 2 and proposal.history.first().history_change_reason == "feasibility review"


def test_merged_proposals_point_to_the_one_that_carries_on(budget, residents, planner_tozeur):
    one, two = propose(budget, residents[0], "Bancs", 5_000), propose(budget, residents[1], "Des bancs", 6_000)
    services.merge_proposals(into=one, others=[two], staff=planner_tozeur)
    two.refresh_from_db()
    assert two.status == Proposal.Status.MERGED and two.merged_into == one


def test_moving_a_phase_keeps_the_phases_in_order(budget):
    voting = budget.phases.get(kind=Phase.Kind.VOTING)
    review = budget.phases.get(kind=Phase.Kind.REVIEW)
    # The review now runs into voting's days: voting, and every phase after it, moves later.
    services.set_phase_dates(budget=budget, kind=Phase.Kind.REVIEW, starts_on=review.starts_on, ends_on=voting.ends_on)
    phases = list(budget.phases.order_by("starts_on"))
    assert [p.kind for p in phases] == list(Phase.Kind.values)
    assert all(a.ends_on < b.starts_on for a, b in itertools.pairwise(phases))
    with pytest.raises(ValidationError):
        services.set_phase_dates(budget=budget, kind="review", starts_on=date(2030, 1, 2), ends_on=date(2030, 1, 1))


@pytest.fixture
def ballot_ready(budget, residents, planner_tozeur):
    """Three feasible projects municipality-wide (cost 60k, 50k, 30k) and two in the district (40k, 20k)."""
    far = dict(lon=LON + 0.015)
    wide = [propose(budget, residents[i], f"Ville {c}", c, **far) for i, c in enumerate((60_000, 50_000, 30_000))]
    local = [propose(budget, residents[3 + i], f"Quartier {c}", c) for i, c in enumerate((40_000, 20_000))]
    for p in wide + local:
        services.review_proposal(proposal=p, staff=planner_tozeur, feasible=True, cost=p.estimated_cost)
    open_phase(budget, Phase.Kind.VOTING)
    return wide, local


def vote(budget, participant, proposals, district=None, **kwargs):
    return services.cast_ballot(
        budget=budget, participant=participant, proposal_ids=[p.pk for p in proposals], district=district, **kwargs
    )


def test_a_knapsack_ballot_must_fit_each_envelope(budget, residents, ballot_ready, tozeur):
    wide, local = ballot_ready
    with pytest.raises(ValidationError, match="more than"):
        vote(budget, residents[0], wide[:2])  # 110k > 100k
    with pytest.raises(ValidationError, match="not on your ballot"):
        vote(budget, residents[0], local[:1])  # a district project without living there
    vote(budget, residents[0], [wide[0], local[0]], district=tozeur.district)
    budget.min_share = 80
    budget.save()
    with pytest.raises(ValidationError, match="at least 80%"):
        vote(budget, residents[1], [wide[2]])  # 30k of 100k


def test_an_approval_ballot_holds_at_most_n_projects(budget, residents, ballot_ready):
    wide, _local = ballot_ready
    Budget.objects.filter(pk=budget.pk).update(method="approval", max_choices=2)
    budget.refresh_from_db()
    with pytest.raises(ValidationError, match="at most 2"):
        vote(budget, residents[0], wide)
    vote(budget, residents[0], wide[:2])


def test_one_person_one_ballot_changed_until_voting_closes(budget, residents, ballot_ready, administrator):
    wide, _local = ballot_ready
    vote(budget, residents[0], [wide[0]])
    vote(budget, residents[0], [wide[1]])  # she changes her mind
    assert Ballot.objects.count() == 1 and Ballot.objects.get().proposals == [wide[1].pk]
    assert Voter.objects.count() == 1
    # The same ID number on paper is the same person: refused.
    participant_services.update_profile(participant=residents[0], national_id="01234567")
    paper = participant_services.paper_participant(staff=administrator, national_id="01234567")
    with pytest.raises(ValidationError, match="already voted"):
        vote(budget, paper, [wide[2]], staff=administrator)
    # A paper ballot is final.
    other = participant_services.paper_participant(staff=administrator, national_id="07654321")
    vote(budget, other, [wide[2]], staff=administrator)
    with pytest.raises(ValidationError, match="already voted"):
        vote(budget, other, [wide[1]], staff=administrator)
    open_phase(budget, Phase.Kind.RESULTS)
    with pytest.raises(ValidationError, match="Voting"):
        vote(budget, residents[0], [wide[2]])


def test_ballots_are_secret(budget, residents, ballot_ready):
    wide, _local = ballot_ready
    vote(budget, residents[0], [wide[0]])
    ballot = Ballot.objects.get()
    stored = {f.attname: getattr(ballot, f.attname) for f in Ballot._meta.fields}
    assert residents[0].pk not in stored.values() and residents[0].contact not in map(str, stored.values())
    assert not any(f.related_model and f.related_model.__name__ == "Participant" for f in Ballot._meta.fields)
    assert selectors.own_ballot(budget, residents[0]).pk == ballot.pk  # she alone finds it again


def test_greedy_count_and_publication(budget, residents, ballot_ready, tozeur):
    wide, _local = ballot_ready
    # Municipality-wide votes: the 60k project 5, the 50k one 4, the 30k one 2; nobody votes in the district.
    plan = [[wide[0]]] * 5 + [[wide[1]]] * 3 + [[wide[1], wide[2]]] + [[wide[2]]] * 1
    for participant, chosen in zip(residents, plan, strict=True):
        vote(budget, participant, chosen)
    services.publish_results(budget=budget)
    outcomes = {o.proposal.title: o for o in Outcome.objects.select_related("proposal")}
    assert outcomes["Ville 60000"].selected and outcomes["Ville 60000"].support == 5
    assert not outcomes["Ville 50000"].selected and outcomes["Ville 50000"].money_left == 40_000
    assert outcomes["Ville 30000"].selected  # cheaper, still fits after the 50k was skipped
    assert outcomes["Quartier 40000"].reason == Outcome.Reason.NO_VOTES
    assert set(TrackedProject.objects.values_list("title", flat=True)) == {"Ville 60000", "Ville 30000"}
    assert Proposal.objects.get(title="Ville 50000").status == Proposal.Status.NOT_SELECTED


def test_turnout_by_group_withholds_small_groups(budget, residents, ballot_ready):
    wide, _local = ballot_ready
    for participant in residents:
        vote(budget, participant, [wide[2]])
    turnout = selectors.turnout(budget)
    assert turnout.ballots == 10 and turnout.online == 10
    assert dict(turnout.by_gender) == {"man": None, "woman": 6}  # 4 men: fewer than 5, withheld
    assert selectors.votes_by_group(budget, "gender")[wide[2].pk] == {"woman": 6, "man": None}


def test_a_parent_projects_progress_rolls_up_from_its_parts(budget):
    parent = TrackedProject.objects.create(budget=budget, title="Parc", amount_budgeted=100)
    TrackedProject.objects.create(budget=budget, parent=parent, title="Bancs", amount_budgeted=25, progress=100)
    TrackedProject.objects.create(budget=budget, parent=parent, title="Arbres", amount_budgeted=75, progress=20)
    assert selectors.rolled_up_progress(parent) == 40
    with pytest.raises(ValidationError):
        services.update_project(project=parent, status="works", progress=90, amount_spent=10)
