"""Staff open a consultation with its sections in the admin, within their municipality only."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gisportal.accounts.models import Role
from gisportal.consultations.models import Consultation
from tests.browser import PASSWORD
from tests.conftest import Town, staff

pytestmark = pytest.mark.django_db
ADD = "/en/admin/consultations/consultation/add/"


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form(municipality_id: int, title: str = "Règlement des marchés") -> dict[str, object]:
    return {
        "municipality": municipality_id,
        "title": title,
        "summary": "Le projet de règlement.",
        "kind": "regulation",
        "topic": "other",
        "opens_on": "01/12/2026",
        "closes_on": "31/12/2026",
        "report_summary": "",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-position": "1",
        "sections-0-title": "Emplacements",
        "sections-0-body": "Les emplacements sont attribués par tirage au sort.",
        "sections-0-response": "",
        "sections-1-position": "2",
        "sections-1-title": "Tarifs",
        "sections-1-body": "Un tarif par mètre.",
        "sections-1-response": "",
    }


def test_a_planner_opens_a_consultation_with_its_sections(tozeur: Town, beja: Town, planner_tozeur: User) -> None:
    client = logged_in(planner_tozeur)
    assert client.get(ADD).status_code == 200
    refused = client.post(ADD, form(beja.municipality.pk, "Ailleurs"))  # another municipality: not a choice
    assert refused.status_code == 200 and not Consultation.objects.exists()
    saved = client.post(ADD, form(tozeur.municipality.pk))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    consultation = Consultation.objects.get()
    assert [s.title for s in consultation.sections.order_by("position")] == ["Emplacements", "Tarifs"]
    assert consultation.history.count() == 1

    other = logged_in(staff("planner-beja", Role.PLANNER, "2111"))
    assert other.get("/en/admin/consultations/consultation/").status_code == 200
    assert "Règlement des marchés" not in other.get("/en/admin/consultations/consultation/").content.decode()
    change = f"/en/admin/consultations/consultation/{consultation.pk}/change/"
    assert other.get(change).status_code in {302, 403, 404}


def test_an_answered_survey_can_no_longer_change(consultation: Consultation, residents, planner_tozeur: User) -> None:  # type: ignore[no-untyped-def]
    from gisportal.consultations import services

    question = consultation.questions.order_by("position").first()
    assert question is not None
    client = logged_in(planner_tozeur)
    change = f"/en/admin/consultations/question/{question.pk}/change/"
    assert 'name="text"' in client.get(change).content.decode()
    choices = [q.choices.first().pk for q in consultation.questions.all()]  # type: ignore[union-attr]
    services.answer_survey(consultation=consultation, participant=residents[0], choice_ids=choices)
    page = client.get(change).content.decode()
    assert 'name="text"' not in page
