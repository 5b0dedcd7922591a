"""A consultation of the test town of Tozeur on a draft health programme, open today, with a short survey."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gisportal.consultations import services
from gisportal.consultations.models import Consultation
from gisportal.participants.models import Participant
from tests.conftest import Town
from tests.participants.conftest import english_outside_requests, fresh_rate_limits  # noqa: F401 (autouse here too)


@pytest.fixture
def consultation(tozeur: Town) -> Consultation:
    today = timezone.localdate()
    consultation = services.open_consultation(
        municipality=tozeur.municipality,
        title="Programme local de santé 2027",
        summary="Le projet de programme, chapitre par chapitre.",
        kind=Consultation.Kind.HEALTH_PROGRAMME,
        topic=Consultation.Topic.HEALTH,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        sections=[
            ("Centres de santé de base", "Ouvrir le centre du quartier nord le samedi."),
            ("Santé des femmes", "Une journée de dépistage par mois."),
        ],
    )
    services.add_question(
        consultation=consultation, text="Quel horaire vous convient ?", kind="single", choices=["Matin", "Soir"]
    )
    services.add_question(
        consultation=consultation,
        text="Quels services manquent ?",
        kind="multiple",
        choices=["Pédiatrie", "Dentiste", "Maternité"],
    )
    return consultation


@pytest.fixture
def residents(tozeur: Town) -> list[Participant]:
    groups = [("woman", "18-29"), ("man", "30-44"), ("woman", "45-59"), ("man", "60+"), ("woman", "18-29")] * 2
    now = timezone.now()
    return [
        Participant.objects.create(
            contact=f"+2169100000{i}",
            gender=gender,
            age_band=age,
            district=tozeur.district if i % 2 else None,
            verified_at=now,
        )
        for i, (gender, age) in enumerate(groups)
    ]
