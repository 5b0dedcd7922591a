"""What a report says in each language: the category's question and its answers, the district, staff's labels,
people's own text in its own direction, and the reporter's follow-up from her private link."""

import re

import pytest

from gisportal.complaints import services
from gisportal.complaints.models import ReporterKey
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON

QUESTION = {
    "/ar/": ("ما مشكلة الحاوية؟", "ممتلئة ولم تُفرغ"),
    "/": ("Quel est le problème du conteneur ?", "Plein, pas vidé"),
    "/en/": ("What is wrong with the container?", "Full, not emptied"),
}


@pytest.mark.parametrize("prefix", QUESTION)
def test_the_national_question_and_its_answers_in_each_language(client, tozeur, prefix):
    html = client.get(prefix + "report/", {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    question, answer = QUESTION[prefix]
    assert f"{question}</label>" in html
    assert f'<option value="full">{answer}</option>' in html


def test_a_question_without_its_arabic_text_falls_back_to_english(client, tozeur):
    from gisportal.complaints.models import ServiceQuestion

    question = ServiceQuestion.objects.get(category__municipality=None, code="container")
    question.question_ar = ""
    question.values = [{"key": "full", "name": "Full"}]
    question.save()
    html = client.get("/ar/report/", {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    assert "What is wrong with the container?</label>" in html
    assert '<option value="full">Full</option>' in html


@pytest.fixture
def arabic_district(tozeur):
    tozeur.municipality.name_ar = "توزر"
    tozeur.municipality.save()
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()
    return tozeur.district


def test_the_district_is_named_in_the_pages_language(client, tozeur, arabic_district):
    url = f"report/{tozeur.complaint.tracking_code}/"
    assert "توزر · وسط توزر" in client.get("/ar/" + url).content.decode()
    assert "Tozeur · Tozeur centre" in client.get("/" + url).content.decode()


@pytest.fixture
def planner_client(client, planner_tozeur):
    client.force_login(planner_tozeur)
    return client


def test_staff_read_answers_priorities_and_places_in_their_language(planner_client, tozeur, arabic_district):
    Complaint.objects.filter(pk=tozeur.complaint.pk).update(answers={"container": "full"}, priority=4)
    url = f"staff/complaints/{tozeur.complaint.tracking_code}/"
    arabic = planner_client.get("/ar/" + url).content.decode()
    assert '<dt dir="auto">ما مشكلة الحاوية؟</dt><dd dir="auto">ممتلئة ولم تُفرغ</dd>' in arabic
    assert "container: full" not in arabic
    assert "وسط توزر" in arabic
    assert '<option value="4" selected>عاجلة</option>' in arabic
    french = planner_client.get("/" + url).content.decode()
    assert '<dt dir="auto">Quel est le problème du conteneur ?</dt><dd dir="auto">Plein, pas vidé</dd>' in french
    listing = planner_client.get("/ar/staff/complaints/").content.decode()
    assert "<td>عاجلة</td>" in listing


def test_peoples_own_text_keeps_its_direction(client, planner_client, tozeur, planner_tozeur):
    services.change_status(tozeur.complaint, to="in_progress", by=planner_tozeur, note="Équipe en route.", public=True)
    status = client.get(f"/ar/report/{tozeur.complaint.tracking_code}/").content.decode()
    assert '<p class="description" dir="auto">Conteneur plein</p>' in status
    assert '<p class="note" dir="auto">Équipe en route.</p>' in status
    staff = planner_client.get(f"/ar/staff/complaints/{tozeur.complaint.tracking_code}/").content.decode()
    assert '<p class="note" dir="auto">Équipe en route.</p>' in staff
    # And what people type takes its own direction as they type it.
    form = client.get("/ar/report/", {"lat": TOZEUR_LAT, "lon": TOZEUR_LON, "category": "waste"}).content.decode()
    assert re.search(r'<textarea name="description"[^>]* dir="auto"', form)
    assert re.search(r'<textarea name="note"[^>]* dir="auto"', staff)


def test_the_reporter_answers_from_her_private_link_and_may_still_reopen(client, tozeur, planner_tozeur):
    """From another device (no session), by the private link: after a "no", thanks and the reopen form."""
    complaint = tozeur.complaint
    key = ReporterKey.objects.create(complaint=complaint).key
    services.change_status(complaint, to="resolved", by=planner_tozeur, note="Vidé")
    url = f"/report/{complaint.tracking_code}/"
    assert 'id="satisfaction"' in client.get(url, {"key": key}).content.decode()
    response = client.post(url + "satisfaction", {"satisfied": "no", "key": key}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(url, 302)]
    assert "Merci pour votre réponse. Si le problème persiste, rouvrez le signalement ci-dessous." in page
    assert 'id="reopen"' in page
    assert 'id="satisfaction"' not in page  # answered once for this closing
    response = client.post(url + "reopen", {"note": "Toujours plein ce soir"}, follow=True)
    assert "Votre signalement est rouvert" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REOPENED
