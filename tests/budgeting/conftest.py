"""A participatory budget for the test town of Tozeur: a municipality-wide and a district envelope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gisportal.budgeting.models import PHASE_ORDER, Budget, Envelope, Phase
from gisportal.participants.models import Participant
from tests.conftest import Town
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)


def open_phase(budget: Budget, kind: str) -> None:
    """Lay the phases out a week each so that `kind` is the one running today."""
    today = timezone.localdate()
    at = PHASE_ORDER.index(kind)
    Phase.objects.filter(budget=budget).delete()
    for i, phase in enumerate(PHASE_ORDER):
        start = today + timedelta(days=7 * (i - at) - 3)
        Phase.objects.create(budget=budget, kind=phase, starts_on=start, ends_on=start + timedelta(days=6))


@pytest.fixture
def budget(tozeur: Town) -> Budget:
    budget = Budget.objects.create(municipality=tozeur.municipality, year=2026, title="Budget participatif 2026")
    Envelope.objects.create(budget=budget, amount=100_000)
    Envelope.objects.create(budget=budget, district=tozeur.district, amount=50_000)
    open_phase(budget, Phase.Kind.PROPOSALS)
    return budget


@pytest.fixture
def residents(tozeur: Town) -> list[Participant]:
    groups = [("woman", "18-29"), ("man", "30-44"), ("woman", "45-59"), ("man", "60+"), ("woman", "18-29")] * 2
    return [
        Participant.objects.create(
            contact=f"+2169000000{i}", gender=gender, age_band=age, district=tozeur.district if i % 2 else None
        )
        for i, (gender, age) in enumerate(groups)
    ]
