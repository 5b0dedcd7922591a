"""Consultations in the rest of the portal: the municipality's page and the home page (what is open now), the
participant's own page, and the open data page."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from gisportal.consultations import services
from gisportal.consultations.models import Consultation
from gisportal.participants.models import Participant
from gisportal.participants.selectors import SESSION_KEY
from tests.conftest import TOZEUR_CENTRE

pytestmark = pytest.mark.django_db


def test_the_municipality_page_and_the_home_page_show_the_open_consultation(
    client: Client, consultation: Consultation
) -> None:
    page = client.get("/en/m/6211/").content.decode()
    assert 'href="/en/consultations/6211/"' in page
    assert f"/en/consultations/6211/{consultation.pk}/" in page and "Consultation: Programme local de santé" in page
    assert f"/en/consultations/6211/{consultation.pk}/" in client.get("/en/").content.decode()
    services.close(consultation=consultation)
    page = client.get("/en/m/6211/").content.decode()
    assert 'href="/en/consultations/6211/"' in page and "Consultation: Programme" not in page


def test_her_own_page_lists_her_comments_and_survey(consultation: Consultation, residents: list[Participant]) -> None:
    resident = residents[0]
    first = consultation.sections.first()
    services.comment(consultation=consultation, participant=resident, body="Mon avis", section=first)
    services.comment(
        consultation=consultation, participant=resident, body="Ici", location=Point(*TOZEUR_CENTRE, srid=4326)
    )
    choices = [q.choices.first().pk for q in consultation.questions.all()]  # type: ignore[union-attr]
    services.answer_survey(consultation=consultation, participant=resident, choice_ids=choices)
    client = Client()
    session = client.session
    session[SESSION_KEY] = resident.pk
    session.save()
    page = client.get("/en/participate/me/").content.decode()
    assert page.count("You commented on Programme local de santé 2027") == 2
    assert "You answered the survey of Programme local de santé 2027" in page
    assert "Mon avis" not in Client().get("/en/participate/me/").content.decode()


def test_the_open_data_page_lists_comments_and_the_published_report(client: Client, consultation: Consultation) -> None:
    page = client.get("/en/open-data/").content.decode()
    assert f"/en/consultations/6211/{consultation.pk}/comments.geojson" in page
    assert "report.csv" not in page
    assert client.get(f"/en/consultations/6211/{consultation.pk}/report.csv").status_code == 404
