"""A council meeting of the test town of Tozeur, tomorrow evening, with a two-item agenda, and verified residents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gisportal.council import services
from gisportal.council.models import Meeting
from gisportal.participants.models import Participant
from tests.conftest import Town
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)


@pytest.fixture
def meeting(tozeur: Town) -> Meeting:
    starts = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=1)
    found = services.schedule_meeting(
        municipality=tozeur.municipality,
        title="Session ordinaire de décembre",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Salle des délibérations, Hôtel de ville",
        stream_url="https://video.example.tn/tozeur/live",
    )
    services.add_agenda_item(meeting=found, title="Budget 2027")
    services.add_agenda_item(meeting=found, title="Collecte des déchets à Ras Edhrâa")
    return found


def verified(contact: str) -> Participant:
    return Participant.objects.create(contact=contact, verified_at=timezone.now())


@pytest.fixture
def residents(tozeur: Town) -> list[Participant]:
    return [verified(f"+2169100000{i}") for i in range(4)]
