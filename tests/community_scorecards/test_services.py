"""The cycle's writes on the real PostGIS: scales, phases, one online score per participant, the action plan."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gisportal.community_scorecards import selectors, services
from gisportal.community_scorecards.models import (
    ActionItem,
    Cycle,
    FocusGroup,
    GroupScore,
    Indicator,
    InputIndicator,
    OnlineScore,
    SelfEvaluation,
)
from gisportal.complaints import abuse
from gisportal.complaints.models import Ban
from gisportal.participants.models import Participant
from tests.community_scorecards.conftest import open_phase, phases_around
from tests.conftest import Town

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def group(cycle: Cycle, indicators: list[Indicator], staff: User, kind: str, scores: list[int], **extra) -> FocusGroup:
    return services.record_focus_group(
        cycle=cycle,
        kind=kind,
        size=12,
        met_on=TODAY() - timedelta(days=1),
        place="Maison des jeunes",
        scores=[services.Score(i, s, f"raison {s}", "suggestion") for i, s in zip(indicators, scores, strict=True)],
        staff=staff,
        **extra,
    )


def test_a_hand_computed_score_card(cycle, indicators, planner_tozeur, verified, tozeur: Town) -> None:
    group(cycle, indicators, planner_tozeur, "women", [2, 4])
    group(cycle, indicators, planner_tozeur, "men", [3, 5])
    group(cycle, indicators, planner_tozeur, "district", [1, 3], district=tozeur.district)
    services.record_self_evaluation(
        indicator=indicators[0], score=services.Score(indicators[0], 4, "Nos camions passent"), staff=planner_tozeur
    )
    for participant, score in zip(verified, [1, 2, 5], strict=True):
        services.score_online(cycle=cycle, participant=participant, scores=[services.Score(indicators[0], score)])
    first, second = selectors.score_card(cycle)
    assert [s for _g, s in first.by_group] == [2, 3, 1]
    assert first.groups_mean == pytest.approx(2.0)
    assert first.self_score == 4 and first.gap == pytest.approx(2.0)
    assert first.online_mean == pytest.approx(8 / 3) and first.online_count == 3
    assert second.groups_mean == pytest.approx(4.0) and second.self_score is None and second.online_count == 0
    assert selectors.online_participants(cycle) == 3


def test_scores_outside_1_to_5_are_refused_and_nothing_is_stored(cycle, indicators, planner_tozeur) -> None:
    with pytest.raises(ValidationError, match="1 \\(very bad\\) to 5"):
        group(cycle, indicators, planner_tozeur, "youth", [3, 6])
    assert FocusGroup.objects.count() == 0 and GroupScore.objects.count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the scale too
        GroupScore.objects.create(
            group=FocusGroup.objects.create(cycle=cycle, kind="men", size=3, met_on=TODAY(), place="x"),
            indicator=indicators[0],
            score=0,
            reason="r",
        )


def test_a_group_score_needs_its_reason_and_a_district_group_its_district(cycle, indicators, planner_tozeur) -> None:
    with pytest.raises(ValidationError, match="reason"):
        services.record_focus_group(
            cycle=cycle,
            kind="elderly",
            size=8,
            met_on=TODAY(),
            place="Cercle",
            scores=[services.Score(indicators[0], 3, "  ")],
            staff=planner_tozeur,
        )
    with pytest.raises(ValidationError):
        group(cycle, indicators, planner_tozeur, "district", [3, 3])
    assert FocusGroup.objects.count() == 0


def test_one_online_score_per_participant_and_indicator_changeable_while_open(cycle, indicators, verified) -> None:
    amal = verified[0]
    services.score_online(cycle=cycle, participant=amal, scores=[services.Score(indicators[0], 2, "souvent en retard")])
    services.score_online(cycle=cycle, participant=amal, scores=[services.Score(indicators[0], 4, "mieux")])
    stored = OnlineScore.objects.get()
    assert (stored.score, stored.reason) == (4, "mieux")
    assert stored.history.count() == 2 and not hasattr(stored.history.first(), "participant_id")
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlineScore.objects.create(cycle=cycle, indicator=indicators[0], participant=amal, score=1)
    open_phase(cycle, "self-evaluation")
    with pytest.raises(ValidationError, match="closed"):
        services.score_online(cycle=cycle, participant=amal, scores=[services.Score(indicators[0], 1)])
    assert OnlineScore.objects.get().score == 4


def test_online_scores_need_a_verified_participant_and_respect_bans_and_limits(
    cycle, indicators, verified, settings
) -> None:
    unverified = Participant.objects.create(contact="+21690000099")
    with pytest.raises(PermissionDenied):
        services.score_online(cycle=cycle, participant=unverified, scores=[services.Score(indicators[0], 3)])
    Ban.objects.create(kind=Ban.Kind.CONTACT, value=verified[1].contact)
    with pytest.raises(abuse.Banned):
        services.score_online(cycle=cycle, participant=verified[1], scores=[services.Score(indicators[0], 3)])
    settings.PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR = 2
    for _attempt in range(2):
        services.score_online(cycle=cycle, participant=verified[2], scores=[services.Score(indicators[0], 3)])
    with pytest.raises(abuse.RateLimited):
        services.score_online(cycle=cycle, participant=verified[2], scores=[services.Score(indicators[0], 3)])
    assert OnlineScore.objects.count() == 1


def test_an_indicator_of_another_cycle_is_refused(cycle, indicators, verified, tozeur: Town) -> None:
    other = services.create_cycle(
        municipality=tozeur.municipality, title="Éclairage", service="lighting", provider="x", phases={}
    )
    foreign = Indicator.objects.create(cycle=other, name="Lampes allumées")
    with pytest.raises(ValidationError, match="another score card"):
        services.score_online(cycle=cycle, participant=verified[0], scores=[services.Score(foreign, 3)])


def test_phases_follow_the_method_order(cycle) -> None:
    dates = phases_around("scoring")
    dates["scoring"] = (dates["preparation"][0], dates["scoring"][1])
    with pytest.raises(ValidationError, match="after the phase before"):
        services.set_phases(cycle=cycle, phases=dates)
    current = selectors.current_phase(cycle)
    assert current is not None and current.kind == "scoring"


def test_a_facility_cycle_names_its_facility_in_the_municipality(tozeur: Town, beja: Town) -> None:
    with pytest.raises(ValidationError):
        services.create_cycle(
            municipality=tozeur.municipality, title="x", service="waste", provider="x", subject="facility", phases={}
        )
    with pytest.raises(ValidationError, match="another municipality"):
        services.create_cycle(
            municipality=tozeur.municipality,
            title="x",
            service="waste",
            provider="x",
            subject="facility",
            facility=beja.container,
            phases={},
        )
    cycle = services.create_cycle(
        municipality=tozeur.municipality,
        title="Point de collecte",
        service="waste",
        provider="x",
        subject="facility",
        facility=tozeur.container,
        phases={},
    )
    assert cycle.facility == tozeur.container and cycle.district is None


def test_facts_are_corrected_with_history(cycle) -> None:
    services.record_input(cycle=cycle, name="Camions", value=Decimal(3), unit="camions", source="Parc municipal")
    services.record_input(
        cycle=cycle, name="Camions", value=Decimal(4), planned=Decimal(6), unit="camions", source="Parc"
    )
    fact = InputIndicator.objects.get()
    assert (fact.value, fact.planned) == (Decimal(4), Decimal(6))
    assert [h.value for h in fact.history.order_by("history_date")] == [Decimal(3), Decimal(4)]
    with pytest.raises(ValidationError, match="comes from"):
        services.record_input(cycle=cycle, name="Bacs", value=Decimal(10), unit="bacs", source=" ")


def test_the_action_plan_runs_to_done_and_late_shows(cycle, indicators, planner_tozeur) -> None:
    with pytest.raises(ValidationError, match="interface meeting"):
        services.agree_action(cycle=cycle, what="x", who="y", due_on=TODAY(), agreed_on=TODAY())
    open_phase(cycle, "interface")
    services.record_self_evaluation(
        indicator=indicators[1], score=services.Score(indicators[1], 3, "Bacs vidés"), staff=planner_tozeur
    )
    bins = services.agree_action(
        cycle=cycle,
        what="Laver les bacs chaque mois",
        who="Service de propreté",
        due_on=TODAY() + timedelta(days=30),
        agreed_on=TODAY(),
        indicator=indicators[1],
    )
    overdue = services.agree_action(
        cycle=cycle,
        what="Afficher le calendrier",
        who="Mairie",
        due_on=TODAY() - timedelta(days=1),
        agreed_on=TODAY() - timedelta(days=2),
    )
    open_phase(cycle, "follow-up")
    with pytest.raises(ValidationError, match="closed once the action plan"):
        services.record_self_evaluation(
            indicator=indicators[1], score=services.Score(indicators[1], 5, "x"), staff=planner_tozeur
        )
    assert SelfEvaluation.objects.get().score == 3
    services.update_action(action=bins, status="in-progress", note="Premier lavage", on=TODAY(), staff=planner_tozeur)
    services.update_action(action=bins, status="done", note="Lavage mensuel en place", on=TODAY(), staff=planner_tozeur)
    with pytest.raises(ValidationError, match="what happened"):
        services.update_action(action=bins, status="done", note="", on=TODAY(), staff=planner_tozeur)
    plan = selectors.action_plan(cycle)
    assert [(a.pk, s) for a, s in plan] == [(overdue.pk, "late"), (bins.pk, "done")]
    bins.refresh_from_db()
    assert bins.done_on == TODAY() and bins.updates.count() == 2 and bins.history.count() == 3
    assert selectors.plan_progress(plan) == {"planned": 0, "in-progress": 0, "done": 1, "late": 1}
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=overdue.pk).update(status="done")  # done without a date
