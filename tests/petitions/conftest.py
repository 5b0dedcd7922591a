"""Petitions in the test town of Tozeur: a threshold, verified participants with an ID, a petition in review."""

import pytest
from django.utils import timezone

from gisportal.participants import services as participant_services
from gisportal.participants.models import Participant
from gisportal.petitions import services
from gisportal.petitions.models import Petition, Threshold
from tests.conftest import Town
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)


def citizen(n: int, *, with_id: bool = True) -> Participant:
    """A participant with a verified contact and, unless told otherwise, a declared ID number."""
    participant = Participant.objects.create(contact=f"citizen{n}@example.tn", verified_at=timezone.now())
    if with_id:
        participant_services.update_profile(participant=participant, national_id=f"{10_000_000 + n}")
    return participant


@pytest.fixture(autouse=True)
def two_co_promoters(settings):
    settings.PETITIONS_MIN_CO_PROMOTERS = 2


@pytest.fixture
def threshold(tozeur: Town) -> Threshold:
    """Five signatures for the whole of Tozeur."""
    return Threshold.objects.create(municipality=tozeur.municipality, kind=Threshold.Kind.FIXED, fixed_count=5)


@pytest.fixture
def in_review(tozeur: Town, threshold: Threshold) -> Petition:
    author = citizen(1)
    petition = services.draft_petition(
        municipality=tozeur.municipality, author=author, title="Éclairage rue Ibn Chabbat", text="La rue est noire."
    )
    services.seek_co_promoters(petition=petition, author=author)
    for n in (2, 3):
        services.co_promote(petition=petition, participant=citizen(n))
    return services.submit_for_review(petition=petition, author=author)


@pytest.fixture
def open_petition(in_review: Petition, planner_tozeur) -> Petition:  # type: ignore[no-untyped-def]
    return services.open_petition(petition=in_review, staff=planner_tozeur)
