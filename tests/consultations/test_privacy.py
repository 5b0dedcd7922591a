"""No public page, file or feed of a consultation carries a participant's contact, ID hash or survey answer key."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.test import Client

from gisportal.consultations import selectors, services
from gisportal.consultations.models import Consultation, SurveyAnswer
from gisportal.participants import services as participant_services
from gisportal.participants.models import Participant
from tests.conftest import TOZEUR_CENTRE

pytestmark = pytest.mark.django_db


def test_nothing_public_names_anyone(
    consultation: Consultation, residents: list[Participant], planner_tozeur: User
) -> None:
    first, second = consultation.sections.order_by("position")
    choices = [q.choices.first().pk for q in consultation.questions.all()]  # type: ignore[union-attr]
    for i, resident in enumerate(residents):
        participant_services.update_profile(participant=resident, national_id=f"0{i}345678", gender=resident.gender)
        services.comment(consultation=consultation, participant=resident, body=f"Avis {i}", section=first)
        services.set_stance(section=second, participant=resident, value="oppose")
        services.answer_survey(consultation=consultation, participant=resident, choice_ids=choices)
    services.comment(
        consultation=consultation, participant=residents[0], body="Ici", location=Point(*TOZEUR_CENTRE, srid=4326)
    )
    paper = participant_services.paper_participant(staff=planner_tozeur, national_id="99887766", gender="woman")
    services.comment(consultation=consultation, participant=paper, body="Lettre", section=second, staff=planner_tozeur)
    services.close(consultation=consultation)
    for section in (first, second):
        services.respond(section=section, text="Réponse")
    services.publish_report(consultation=consultation)

    people = [*residents, paper]
    for person in people:
        person.refresh_from_db()
    secrets = [p.contact for p in people if p.contact] + [p.id_hash for p in people if p.id_hash]
    secrets += list(SurveyAnswer.objects.values_list("key", flat=True))
    assert len(secrets) == 2 * len(residents) + 1 + len(residents)
    base = f"/consultations/6211/{consultation.pk}/"
    paths = [base, base + "map/", base + "survey/", base + "report/", base + "comments.geojson", base + "report.csv"]
    pages = ["/consultations/", "/consultations/6211/", "/m/6211/", "/open-data/", "/"]
    for lang in ("", "/ar", "/en"):
        for path in paths + pages:
            response = Client().get(lang + path)
            assert response.status_code == 200, lang + path
            body = response.content.decode()
            assert [s for s in secrets if s in body] == [], lang + path
    assert selectors.report(consultation).participants == len(people)
