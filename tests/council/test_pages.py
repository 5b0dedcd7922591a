"""The citizen pages of council meetings as plain forms (no JavaScript) in Arabic, French and English, the
verification round trip, the iCalendar feed parsed back, open data without personal data, staff pages scoped."""

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar

from gisportal.accounts.models import Role
from gisportal.council import services
from gisportal.council.models import Document, Meeting, Question, QuestionSupport
from gisportal.participants.selectors import SESSION_KEY
from tests.conftest import staff

BASE = "/council/6211/"


def sign_in(client, participant) -> None:
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()


def page_of(meeting: Meeting) -> str:
    return f"{BASE}{meeting.pk}/"


@pytest.mark.parametrize("language", ["", "/ar", "/en"])
def test_the_pages_answer_in_each_language(client, meeting, language) -> None:
    for path in (BASE, page_of(meeting), page_of(meeting) + "ask/"):
        response = client.get(language + path)
        assert response.status_code in (200, 302), path
    html = client.get(language + page_of(meeting)).content.decode()
    assert "Budget 2027" in html and "https://video.example.tn/tozeur/live" in html
    if language == "/ar":
        assert 'dir="rtl"' in html


def test_an_unknown_meeting_or_town_is_a_404(client, meeting, beja) -> None:
    assert client.get("/council/9999/").status_code == 404
    assert client.get(f"/council/2111/{meeting.pk}/").status_code == 404  # Tozeur's meeting under Béja


def test_asking_sends_her_to_verify_and_back_then_waits_for_moderation(client, meeting, residents) -> None:
    ask = page_of(meeting) + "ask/"
    response = client.get(ask)
    assert response.status_code == 302 and response["Location"] == f"/participate/?next={ask}"
    sign_in(client, residents[0])
    form = client.get(ask)
    assert form.status_code == 200 and b'name="website"' in form.content
    item = meeting.agenda.get(position=2)
    text = "Quand les bacs seront-ils vidés deux fois par semaine ?"
    response = client.post(ask, {"text": text, "agenda_item": item.pk})
    assert response.status_code == 303 and response["Location"].endswith("?asked=1#own")
    question = Question.objects.get()
    assert (question.text, question.agenda_item, question.status) == (text, item, "pending")
    mine = client.get("/en" + response["Location"]).content.decode()
    assert text in mine and "Waiting for moderation" in mine
    assert text not in client.__class__().get(page_of(meeting)).content.decode()  # nobody else sees it yet


def test_bad_input_gets_a_message_and_stores_nothing(client, meeting, residents) -> None:
    sign_in(client, residents[0])
    ask = page_of(meeting) + "ask/"
    assert client.post(ask, {"text": "Court"}).status_code == 400
    response = client.post(ask, {"text": "Une question assez longue ?", "agenda_item": 999_999})
    assert response.status_code == 400
    honeypot = client.post(ask, {"text": "Une question assez longue ?", "website": "http://spam.example"})
    assert honeypot.status_code == 400
    assert not Question.objects.exists()


def test_support_once_and_read_the_answer_in_public(client, meeting, residents, planner_tozeur) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="Et l'éclairage de l'avenue ?")
    services.publish_question(question=question)
    url = f"{page_of(meeting)}questions/{question.pk}/support/"
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/participate/?next=")
    sign_in(client, residents[1])
    assert client.post(url).status_code == 303
    assert client.post(url).status_code == 303  # a second tap changes nothing
    assert QuestionSupport.objects.filter(question=question).count() == 1
    assert "You support this question." in client.get("/en" + page_of(meeting)).content.decode()
    services.answer_question(question=question, answer="Les lampadaires seront changés en mars.", staff=planner_tozeur)
    html = client.__class__().get("/en" + page_of(meeting)).content.decode()
    assert "Les lampadaires seront changés en mars." in html and "1 support" in html
    assert residents[0].contact not in html and residents[1].contact not in html
    sign_in(client, residents[0])
    assert client.post(url).status_code == 400  # her own question


def test_a_held_meeting_takes_no_more_questions(client, meeting, residents) -> None:
    services.mark_held(meeting=meeting, now=meeting.starts_at + timedelta(hours=1))
    sign_in(client, residents[0])
    assert client.get(page_of(meeting) + "ask/").status_code == 403
    assert client.post(page_of(meeting) + "ask/", {"text": "Une question assez longue ?"}).status_code == 403
    assert not Question.objects.exists()


def test_the_calendar_parses_back_with_stable_uids_in_tunis_time(client, meeting, tozeur) -> None:
    first = client.get(BASE + "meetings.ics")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(first.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Africa/Tunis"]
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=1)
    assert start == meeting.starts_at and event.decoded("DTEND") == meeting.ends_at
    assert event["DTSTART"].params["TZID"] == "Africa/Tunis"
    assert "DTSTAMP" in event and str(event["SUMMARY"]) == meeting.title
    assert "Budget 2027" in str(event["DESCRIPTION"]) and str(event["STATUS"]) == "CONFIRMED"
    uid, sequence = str(event["UID"]), int(event.decoded("SEQUENCE"))
    # Moved an hour later, then cancelled: the same event, revised, in every calendar that has it.
    services.update_meeting(meeting=meeting, starts_at=meeting.starts_at + timedelta(hours=1))
    services.cancel_meeting(meeting=meeting, reason="Quorum non atteint")
    (again,) = Calendar.from_ical(client.get(BASE + "meetings.ics").content).walk("VEVENT")
    assert str(again["UID"]) == uid and int(again.decoded("SEQUENCE")) == sequence + 2
    assert str(again["STATUS"]) == "CANCELLED"
    assert again.decoded("DTSTART").astimezone(ZoneInfo("Africa/Tunis")).hour == 19
    for line in client.get(BASE + "meetings.ics").content.split(b"\r\n"):
        assert len(line) <= 75  # RFC 5545 folds lines at 75 octets


def test_open_data_counts_and_no_personal_data(client, meeting, residents) -> None:
    published = services.ask_question(meeting=meeting, author=residents[0], text="Une question publiée, lisible ?")
    services.publish_question(question=published)
    services.support_question(question=published, participant=residents[1])
    services.ask_question(meeting=meeting, author=residents[2], text="Une question en attente, secrète ?")
    rows = json.loads(client.get("/council/meetings.json").content)["meetings"]
    (row,) = rows
    assert (row["questions_asked"], row["questions_published"], row["supports"], row["agenda_items"]) == (2, 1, 1, 2)
    body = client.get(BASE + "meetings.csv").content.decode()
    assert next(csv.DictReader(io.StringIO(body)))["questions_published"] == "1"
    for output in (body, json.dumps(rows)):
        assert "secrète" not in output and "publiée" not in output
        assert all(str(p.contact) not in output for p in residents)
    assert "council/meetings.csv" in client.get("/open-data/").content.decode()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_staff_schedule_moderate_answer_and_publish_minutes(client, tozeur, beja, residents, planner_tozeur) -> None:
    client.force_login(planner_tozeur)
    assert client.get("/council/staff/").status_code == 200
    assert client.get("/council/staff/2111/new/").status_code == 404  # not her municipality
    response = client.post(
        "/council/staff/6211/new/",
        {
            "title": "Session extraordinaire",
            "kind": "extraordinary",
            "starts_at": "2027-01-15T17:00",
            "ends_at": "2027-01-15T16:00",
            "place": "Hôtel de ville",
        },
    )
    assert response.status_code == 400 and not Meeting.objects.exists()
    response = client.post(
        "/council/staff/6211/new/",
        {
            "title": "Session extraordinaire",
            "kind": "extraordinary",
            "starts_at": "2027-01-15T17:00",
            "ends_at": "2027-01-15T19:00",
            "place": "Hôtel de ville",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.starts_at.astimezone(ZoneInfo("Africa/Tunis")).hour == 17
    staff_page = f"/council/staff/6211/{meeting.pk}/"
    assert client.post(staff_page, {"action": "add_item", "title": "Plan de circulation"}).status_code == 302
    good = SimpleUploadedFile("ordre-du-jour.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(
            staff_page, {"action": "attach", "title": "Ordre du jour", "kind": "agenda", "file": good}
        ).status_code
        == 302
    )
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert (
        client.post(staff_page, {"action": "attach", "title": "Faux", "kind": "annex", "file": fake}).status_code == 400
    )
    active = SimpleUploadedFile(
        "active.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /JS (app.alert(1)) >>")
    )
    assert (
        client.post(staff_page, {"action": "attach", "title": "Actif", "kind": "annex", "file": active}).status_code
        == 400
    )
    (document,) = Document.objects.all()
    download = client.get(f"/council/6211/{meeting.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]

    question = services.ask_question(meeting=meeting, author=residents[0], text="Le plan touchera-t-il le marché ?")
    moderate = f"{staff_page}questions/{question.pk}/"
    assert client.post(moderate, {"action": "reject", "reason": ""}).status_code == 400
    assert client.post(moderate, {"action": "publish"}).status_code == 302
    assert client.post(moderate, {"action": "answer", "answer": "Non, le marché reste piéton."}).status_code == 302
    question.refresh_from_db()
    assert question.answered_at is not None and question.answered_by == planner_tozeur

    other = staff("planner-beja", Role.PLANNER, "2111")
    client.force_login(other)
    assert client.get(staff_page).status_code == 404
    assert client.post(moderate, {"action": "answer", "answer": "Piraté"}).status_code == 404
    question.refresh_from_db()
    assert question.answer == "Non, le marché reste piéton."


def test_the_admin_shows_her_municipality_s_history_without_authors(
    client, meeting, residents, planner_tozeur, beja
) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="Une question pour l'historique ?")
    client.force_login(planner_tozeur)
    assert client.get("/en/admin/council/meeting/").status_code == 200
    assert client.get(f"/en/admin/council/meeting/{meeting.pk}/history/").status_code == 200
    page = client.get(f"/en/admin/council/question/{question.pk}/change/").content.decode()
    assert "Une question pour l&#x27;historique ?" in page and str(residents[0].contact) not in page
    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    assert client.get(f"/en/admin/council/meeting/{meeting.pk}/change/").status_code in (302, 403, 404)


def test_the_staff_meeting_page_runs_a_meeting_to_its_minutes(client, meeting, residents, planner_tozeur) -> None:
    client.force_login(planner_tozeur)
    staff_page = f"/council/staff/6211/{meeting.pk}/"
    question = services.ask_question(meeting=meeting, author=residents[0], text="Une question en attente ici ?")
    html = client.get("/en" + staff_page).content.decode()
    assert "1 question to moderate" in html and "Une question en attente ici ?" in html
    assert str(residents[0].contact) not in html
    assert "Séances du conseil (agents)" in client.get(staff_page).content.decode()  # French by default
    assert client.post(staff_page, {"action": "nonsense"}).status_code == 400
    moved = {
        "action": "details",
        "title": "Session ordinaire (déplacée)",
        "kind": "ordinary",
        "starts_at": "2030-03-01T18:00",
        "ends_at": "2030-03-01T17:00",
        "place": "Mairie",
    }
    assert client.post(staff_page, moved).status_code == 400  # ends before it starts: nothing changed
    assert Meeting.objects.get().title == "Session ordinaire de décembre"
    moved["ends_at"] = "2030-03-01T21:00"
    assert client.post(staff_page, moved).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Session ordinaire (déplacée)" and meeting.sequence == 1
    first = meeting.agenda.get(position=1)
    assert client.post(staff_page, {"action": "remove_item", "item": first.pk}).status_code == 302
    assert list(meeting.agenda.values_list("position", flat=True)) == [1]
    assert client.post(staff_page, {"action": "minutes", "minutes": "PV"}).status_code == 400  # not started yet
    assert client.post(staff_page, {"action": "cancel", "reason": ""}).status_code == 400
    assert client.post(staff_page, {"action": "cancel", "reason": "Quorum non atteint"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    public = client.get("/en" + page_of(meeting)).content.decode()
    assert "This meeting is cancelled." in public and "Quorum non atteint" in public
    assert "Ask the council a question" not in public
    question.refresh_from_db()
    assert question.status == Question.Status.PENDING


def test_held_then_minutes_from_the_staff_page(client, tozeur, planner_tozeur) -> None:
    start = timezone.now() - timedelta(hours=2)
    past = services.schedule_meeting(
        municipality=tozeur.municipality,
        title="Session de ce matin",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Mairie",
    )
    client.force_login(planner_tozeur)
    staff_page = f"/council/staff/6211/{past.pk}/"
    assert client.post(staff_page, {"action": "held"}).status_code == 302
    assert (
        client.post(staff_page, {"action": "minutes", "minutes": "Le conseil a adopté le budget."}).status_code == 302
    )
    html = client.get("/en" + page_of(past)).content.decode()
    assert "This meeting was held." in html and "Le conseil a adopté le budget." in html
    past.refresh_from_db()
    assert past.history.filter(history_user=planner_tozeur).count() == 2


def test_staff_see_and_schedule_for_their_municipalities_only(client, meeting, beja, planner_tozeur, analyst) -> None:
    client.force_login(staff("planner-beja", Role.PLANNER, "2111"))
    html = client.get("/en/council/staff/").content.decode()
    assert meeting.title not in html and "/council/staff/2111/new/" in html and "/council/staff/6211/new/" not in html
    client.force_login(planner_tozeur)
    html = client.get("/en/council/staff/").content.decode()
    assert meeting.title in html and "/council/staff/6211/new/" in html
    client.force_login(analyst)  # reads everything, changes nothing
    listing = client.get("/en/council/staff/")
    assert listing.status_code == 200 and "/new/" not in listing.content.decode()
    assert client.get(f"/council/staff/6211/{meeting.pk}/").status_code == 404
    client.logout()
    assert client.get("/council/staff/").status_code == 302  # to the staff login


@pytest.mark.parametrize("language", ["", "/ar", "/en"])
def test_the_national_list_names_the_municipalities_with_meetings(client, meeting, beja, language) -> None:
    html = client.get(language + "/council/").content.decode()
    assert "/council/6211/" in html and "/council/2111/" not in html
    if language == "/en":
        assert "1 meeting open for questions" in html
    if language == "/ar":
        assert "جلسة واحدة مفتوحة للأسئلة" in html
