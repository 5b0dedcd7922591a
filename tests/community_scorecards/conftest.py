"""A waste collection score card for the test town of Tozeur, its phases laid out around today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gisportal.community_scorecards import services
from gisportal.community_scorecards.models import PHASE_ORDER, Cycle, Indicator
from gisportal.participants.models import Participant
from tests.conftest import Town
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)


def phases_around(kind: str) -> dict:
    """A week per phase, so that `kind` is the one running today."""
    today = timezone.localdate()
    at = PHASE_ORDER.index(kind)
    dates = {}
    for i, phase in enumerate(PHASE_ORDER):
        start = today + timedelta(days=7 * (i - at) - 3)
        dates[phase] = (start, start + timedelta(days=6))
    return dates


def open_phase(cycle: Cycle, kind: str) -> None:
    services.set_phases(cycle=cycle, phases=phases_around(kind))


@pytest.fixture
def cycle(tozeur: Town) -> Cycle:
    return services.create_cycle(
        municipality=tozeur.municipality,
        title="Collecte des déchets 2026",
        service="waste",
        provider="Service de propreté",
        phases=phases_around("scoring"),
    )


@pytest.fixture
def indicators(cycle: Cycle) -> list[Indicator]:
    return [
        services.add_indicator(cycle=cycle, name="Passage aux jours annoncés"),
        services.add_indicator(cycle=cycle, name="Propreté autour des bacs"),
    ]


@pytest.fixture
def verified(tozeur: Town) -> list[Participant]:
    now = timezone.now()
    return [Participant.objects.create(contact=f"+2169100000{i}", verified_at=now) for i in range(3)]
