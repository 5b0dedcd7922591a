"""Citizen and staff pages: plain forms (no JavaScript), three languages, refusals with a message and nothing stored,
and no author or contact in any public page or file."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gisportal.consultations import selectors, services
from gisportal.consultations.models import Comment, Consultation, SurveyAnswer
from gisportal.participants.models import Participant
from gisportal.participants.selectors import SESSION_KEY
from tests.browser import PASSWORD
from tests.conftest import TOZEUR_CENTRE, Town

pytestmark = pytest.mark.django_db


def url(consultation: Consultation, name: str = "consultation", lang: str = "") -> str:
    """The page's address in a language ('' for French, the unprefixed default)."""
    with translation.override(lang or "fr"):
        return reverse(f"consultations:{name}", kwargs={"code": consultation.municipality.code, "pk": consultation.pk})


def signed_in(participant: Participant) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()
    return client


def test_a_resident_comments_replies_and_takes_a_stance_without_javascript(
    consultation: Consultation, residents: list[Participant]
) -> None:
    first = consultation.sections.order_by("position").first()
    assert first is not None
    client = signed_in(residents[0])
    page = client.get(url(consultation))
    assert page.status_code == 200 and "Centres de santé de base" in page.text and 'name="body"' in page.text
    answer = client.post(url(consultation, "comment"), {"section": first.pk, "body": "Ouvrir aussi le dimanche"})
    assert answer.status_code == 303
    created = Comment.objects.get()
    assert answer["Location"].endswith(f"#comment-{created.pk}")
    reply = signed_in(residents[1]).post(url(consultation, "comment"), {"parent": created.pk, "body": "Oui !"})
    assert reply.status_code == 303 and created.replies.count() == 1
    assert client.post(url(consultation, "stance"), {"section": first.pk, "value": "support"}).status_code == 303
    page = client.get(url(consultation, lang="en"))
    assert "Ouvrir aussi le dimanche" in page.text and "Oui !" in page.text and "You support this section." in page.text
    assert str(residents[0].contact) not in page.text


def test_bad_comments_get_a_message_and_nothing_is_stored(
    consultation: Consultation, residents: list[Participant]
) -> None:
    client = signed_in(residents[0])
    first = consultation.sections.first()
    assert first is not None
    empty = client.post(url(consultation, "comment", "fr"), {"section": first.pk, "body": ""})
    assert empty.status_code == 400
    outside = client.post(
        url(consultation, "comment", "en"), {"from": "map", "body": "Ici", "lat": "36.7", "lon": "9.18"}
    )
    assert outside.status_code == 400 and "outside the municipality" in outside.text
    robot = client.post(url(consultation, "comment"), {"section": first.pk, "body": "Achetez", "website": "x"})
    assert robot.status_code == 303
    foreign = client.post(url(consultation, "comment"), {"section": 999_999, "body": "Bonjour"})
    assert foreign.status_code == 400
    assert not Comment.objects.exists()
    anonymous = Client().post(url(consultation, "comment"), {"section": first.pk, "body": "Bonjour"})
    assert anonymous.status_code == 302 and "/participate/" in anonymous["Location"]


def test_the_map_places_a_comment_in_its_district(consultation: Consultation, residents: list[Participant]) -> None:
    client = signed_in(residents[0])
    lon, lat = TOZEUR_CENTRE
    posted = client.post(url(consultation, "comment"), {"from": "map", "body": "Trottoir", "lat": lat, "lon": lon})
    assert posted.status_code == 303 and "/map/" in posted["Location"]
    geojson = Client().get(url(consultation, "comments_geojson")).json()
    (feature,) = geojson["features"]
    assert feature["properties"]["text"] == "Trottoir" and feature["properties"]["district"] == "Tozeur centre"
    assert "author" not in feature["properties"]
    page = Client().get(url(consultation, "map", "ar"))
    assert page.status_code == 200 and 'dir="rtl"' in page.text and "Trottoir" in page.text


def test_the_survey_form_records_one_answer_each(consultation: Consultation, residents: list[Participant]) -> None:
    client = signed_in(residents[0])
    form = client.get(url(consultation, "survey"))
    assert form.status_code == 200
    when, missing = consultation.questions.order_by("position")
    morning = when.choices.get(label="Matin")
    refused = client.post(url(consultation, "survey"), {f"q-{when.pk}": morning.pk})
    assert refused.status_code == 400 and not SurveyAnswer.objects.exists()
    data = {f"q-{when.pk}": morning.pk, f"q-{missing.pk}": [c.pk for c in missing.choices.all()[:2]]}
    assert client.post(url(consultation, "survey"), data).status_code == 303
    assert SurveyAnswer.objects.count() == 1


@pytest.mark.parametrize("lang", ["", "ar", "en"])
def test_pages_in_three_languages(consultation: Consultation, lang: str) -> None:
    with translation.override(lang or "fr"):
        index = reverse("consultations:index")
        town = reverse("consultations:municipality", kwargs={"code": "6211"})
    for path in (
        index,
        town,
        url(consultation, lang=lang),
        url(consultation, "map", lang),
        url(consultation, "survey", lang),
    ):
        page = Client().get(path)
        assert page.status_code == 200, path
        assert consultation.title in page.text
    assert Client().get(url(consultation, "report", lang)).status_code == 404


def test_staff_moderate_respond_and_publish_within_their_municipality(
    consultation: Consultation, residents: list[Participant], planner_tozeur: User, beja
) -> None:
    from gisportal.accounts.models import Role
    from tests.conftest import staff

    first, second = consultation.sections.order_by("position")
    rude = services.comment(consultation=consultation, participant=residents[0], body="Insulte", section=first)
    client = Client()
    assert client.login(username=planner_tozeur.username, password=PASSWORD)
    page = url(consultation, "staff")
    assert client.get(page).status_code == 200
    assert client.post(page, {"action": "hide", "comment": rude.pk, "reason": ""}).status_code == 400
    assert client.post(page, {"action": "hide", "comment": rude.pk, "reason": "Propos injurieux"}).status_code == 303
    public = Client().get(url(consultation, lang="en"))
    assert "hidden by the moderator: Propos injurieux" in public.text and "Insulte" not in public.text
    assert client.post(page, {"action": "close"}).status_code == 303
    assert client.post(page, {"action": "publish"}).status_code == 400  # responses missing
    for section in (first, second):
        client.post(page, {"action": "respond", "section": section.pk, "response": f"Réponse {section.position}"})
    assert client.post(page, {"action": "publish", "summary": "Merci"}).status_code == 303
    report = Client().get(url(consultation, "report", "ar"))
    assert report.status_code == 200 and "Réponse 1" in report.text and str(residents[0].contact) not in report.text
    csv = Client().get(url(consultation, "report_csv"))
    assert csv.status_code == 200 and "Insulte" not in csv.text and str(residents[0].contact) not in csv.text

    other = staff("planner-beja", Role.PLANNER, "2111")
    elsewhere = Client()
    assert elsewhere.login(username=other.username, password=PASSWORD)
    assert elsewhere.get(page).status_code == 404


def test_staff_enter_a_comment_received_on_paper(
    consultation: Consultation, planner_tozeur: User, tozeur: Town
) -> None:
    first = consultation.sections.order_by("position").first()
    assert first is not None
    client = Client()
    assert client.login(username=planner_tozeur.username, password=PASSWORD)
    page = url(consultation, "staff", "en")
    form = {"action": "paper", "section": first.pk, "body": "Lettre de l'association des femmes", "gender": "woman"}
    assert client.post(page, {**form, "district": 999_999}).status_code == 400  # not a district of hers
    assert not Comment.objects.exists() and not Participant.objects.exists()
    assert client.post(page, {**form, "district": tozeur.district.pk, "age_band": "45-59"}).status_code == 303
    comment = Comment.objects.get()
    assert comment.source == "paper" and comment.entered_by == planner_tozeur and comment.author.contact is None
    assert comment.author.district == tozeur.district
    public = Client().get(url(consultation, lang="en")).text
    assert "Lettre de l&#x27;association des femmes" in public and "(on paper)" in public
    assert dict(selectors.participation_by_group(consultation)[1]["source"]) == {"paper": 1}


def test_without_javascript_a_tap_on_the_map_picture_fills_the_place(
    consultation: Consultation, residents: list[Participant]
) -> None:
    client = signed_in(residents[0])
    page = client.get(url(consultation, "map", "en")).text
    assert 'type="image" name="map"' in page and "/m/picture.svg?" in page
    lon, lat = TOZEUR_CENTRE
    tapped = client.get(
        url(consultation, "map", "en"), {"clat": str(lat), "clon": str(lon), "z": "14", "map.x": "170", "map.y": "150"}
    ).text
    assert f'value="{lat:.6f}"' in tapped and f'value="{lon:.6f}"' in tapped and "pin=1" in tapped
    zoomed = client.get(url(consultation, "map", "en"), {"clat": str(lat), "clon": str(lon), "z": "16"}).text
    assert "z=16&amp;size=choose" in zoomed
    assert client.get(url(consultation, "map", "en"), {"clat": "x", "z": "99"}).status_code == 200
