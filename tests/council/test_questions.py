"""A question's life in the services: asked, moderated, supported (once each), answered, read back in public."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gisportal.complaints import abuse
from gisportal.complaints.models import Ban
from gisportal.council import selectors, services
from gisportal.council.models import Meeting, Question, QuestionSupport
from gisportal.participants.models import Participant


def test_ask_moderate_support_answer_and_read_the_answer(
    meeting: Meeting, residents: list[Participant], planner_tozeur: User
) -> None:
    amal, *others = residents
    item = meeting.agenda.get(position=2)
    question = services.ask_question(
        meeting=meeting, author=amal, text="Quand les bacs seront-ils vidés deux fois par semaine ?", agenda_item=item
    )
    assert question.status == Question.Status.PENDING and not question.during_meeting
    assert list(selectors.published_questions(meeting)) == []  # nothing public before moderation
    assert list(selectors.moderation_queue(meeting)) == [question]

    services.publish_question(question=question, staff=planner_tozeur)
    other = services.ask_question(meeting=meeting, author=others[0], text="Où en est le budget participatif ?")
    services.publish_question(question=other, staff=planner_tozeur)
    question.refresh_from_db()
    assert [services.support_question(question=question, participant=p) for p in others] == [True, True, True]
    assert services.support_question(question=question, participant=others[0]) is False  # once each
    assert services.support_question(question=other, participant=amal) is True

    public = list(selectors.published_questions(meeting))
    counts = [(q.pk, q.support_count) for q in public]  # type: ignore[attr-defined]
    assert counts == [(question.pk, 3), (other.pk, 1)]  # most supported first

    services.answer_question(
        question=question, answer="Dès janvier, le lundi et le jeudi, dans tout le quartier.", staff=planner_tozeur
    )
    read = selectors.published_questions(meeting).get(pk=question.pk)
    assert read.answer == "Dès janvier, le lundi et le jeudi, dans tout le quartier."
    assert read.answered_at is not None and read.answered_by == planner_tozeur
    # The history keeps each step, with who moderated and answered.
    steps = list(question.history.order_by("history_date").values_list("status", "answer", "history_user"))
    assert steps == [
        ("pending", "", None),
        ("published", "", planner_tozeur.pk),
        ("published", "Dès janvier, le lundi et le jeudi, dans tout le quartier.", planner_tozeur.pk),
    ]


def test_one_support_each_is_the_database_s_rule(meeting: Meeting, residents: list[Participant]) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="Une question assez longue ?")
    services.publish_question(question=question)
    QuestionSupport.objects.create(question=question, participant=residents[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionSupport.objects.create(question=question, participant=residents[1])


def test_rejected_with_a_reason_its_author_alone_reads(meeting: Meeting, residents: list[Participant]) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="Un message qui n'est pas une question")
    with pytest.raises(ValidationError):
        services.reject_question(question=question, reason="  ")
    services.reject_question(question=question, reason="Hors sujet : signalez-le sur la page des réclamations.")
    question.refresh_from_db()
    assert question.status == Question.Status.REJECTED
    assert selectors.own_questions(meeting, residents[0]) == [question]
    assert selectors.own_questions(meeting, residents[1]) == []
    assert list(selectors.published_questions(meeting)) == []
    with pytest.raises(ValidationError):
        services.support_question(question=question, participant=residents[1])
    with pytest.raises(ValidationError):
        services.answer_question(question=question, answer="Non.")
    with pytest.raises(ValidationError):
        services.publish_question(question=question)


def test_refusals_store_nothing(meeting: Meeting, residents: list[Participant], beja) -> None:
    amal = residents[0]
    unverified = Participant.objects.create(contact="+21698000000")
    with pytest.raises(PermissionDenied):
        services.ask_question(meeting=meeting, author=unverified, text="Une question assez longue ?")
    with pytest.raises(ValidationError):
        services.ask_question(meeting=meeting, author=amal, text="Court ?")
    with pytest.raises(ValidationError):
        services.ask_question(meeting=meeting, author=amal, text="x" * 1001)
    other_meeting = services.schedule_meeting(
        municipality=beja.municipality,
        title="Session de Béja",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place="Hôtel de ville",
    )
    foreign_item = services.add_agenda_item(meeting=other_meeting, title="Voirie")
    with pytest.raises(ValidationError):
        services.ask_question(
            meeting=meeting, author=amal, text="Une question assez longue ?", agenda_item=foreign_item
        )
    question = services.ask_question(meeting=meeting, author=amal, text="Une question assez longue ?")
    services.publish_question(question=question)
    with pytest.raises(ValidationError):
        services.support_question(question=question, participant=amal)  # not her own
    assert Question.objects.count() == 1 and QuestionSupport.objects.count() == 0


def test_questions_close_when_the_meeting_ends_or_is_held(meeting: Meeting, residents: list[Participant]) -> None:
    during = meeting.starts_at + timedelta(minutes=30)
    asked = services.ask_question(
        meeting=meeting, author=residents[0], text="Pendant la séance : et l'eau ?", now=during
    )
    assert asked.during_meeting
    with pytest.raises(ValidationError):
        services.ask_question(
            meeting=meeting,
            author=residents[0],
            text="Après la séance, trop tard ?",
            now=meeting.ends_at + timedelta(1),
        )
    with pytest.raises(ValidationError):
        services.mark_held(meeting=meeting)  # not started yet
    services.mark_held(meeting=meeting, now=during)
    with pytest.raises(ValidationError):
        services.ask_question(meeting=meeting, author=residents[1], text="Une question assez longue ?", now=during)


def test_ban_list_and_rate_limit(meeting: Meeting, residents: list[Participant], settings) -> None:
    Ban.objects.create(kind=Ban.Kind.CONTACT, value=str(residents[0].contact))
    with pytest.raises(abuse.Banned):
        services.ask_question(meeting=meeting, author=residents[0], text="Une question assez longue ?")
    Ban.objects.create(kind=Ban.Kind.IP, value="10.0.0.9")
    with pytest.raises(abuse.Banned):
        services.ask_question(meeting=meeting, author=residents[1], text="Une question assez longue ?", ip="10.0.0.9")
    settings.PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR = 2
    for n in range(2):
        services.ask_question(meeting=meeting, author=residents[2], text=f"Question numéro {n} assez longue ?")
    with pytest.raises(abuse.RateLimited):
        services.ask_question(meeting=meeting, author=residents[2], text="Une troisième question, de trop ?")
    assert Question.objects.count() == 2


def test_minutes_after_the_meeting_and_cancellation(meeting: Meeting, planner_tozeur: User) -> None:
    with pytest.raises(ValidationError):
        services.publish_minutes(meeting=meeting, minutes="Procès-verbal")  # the meeting has not started
    later = meeting.starts_at + timedelta(hours=4)
    services.publish_minutes(meeting=meeting, minutes="Le conseil a adopté le budget.", staff=planner_tozeur, now=later)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.minutes_published_at == later
    with pytest.raises(ValidationError):
        services.cancel_meeting(meeting=meeting, reason="Trop tard")
    assert meeting.history.filter(history_user=planner_tozeur).count() == 2  # held, then its minutes


def test_agenda_positions_close_up(meeting: Meeting) -> None:
    services.add_agenda_item(meeting=meeting, title="Questions diverses")
    services.remove_agenda_item(item=meeting.agenda.get(position=1))
    assert list(meeting.agenda.values_list("position", "title")) == [
        (1, "Collecte des déchets à Ras Edhrâa"),
        (2, "Questions diverses"),
    ]


def test_a_meeting_ends_after_it_starts(tozeur) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.schedule_meeting(
            municipality=tozeur.municipality, title="Session", starts_at=now, ends_at=now, place="Mairie"
        )
    assert not Meeting.objects.exists()


def test_her_question_s_author_alone_hears_of_each_step(
    meeting: Meeting, residents: list[Participant], planner_tozeur: User, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    amal = Participant.objects.create(contact="amal@example.tn", verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        question = services.ask_question(meeting=meeting, author=amal, text="Le marché sera-t-il couvert ?")
        services.publish_question(question=question, staff=planner_tozeur)
        services.support_question(question=question, participant=residents[0])
        services.answer_question(question=question, answer="Oui, en 2027.", staff=planner_tozeur)
        services.answer_question(question=question, answer="Oui, au printemps 2027.", staff=planner_tozeur)
        rejected = services.ask_question(meeting=meeting, author=amal, text="Une autre question hors sujet ?")
        services.reject_question(question=rejected, reason="Hors sujet.", staff=planner_tozeur)
    assert [m.to for m in mailoutbox] == [["amal@example.tn"]] * 3
    assert "is published" in mailoutbox[0].subject
    assert "answered" in mailoutbox[1].subject and "Oui, en 2027." in mailoutbox[1].body
    assert "Hors sujet." in mailoutbox[2].body and f"#q{rejected.pk}" in mailoutbox[2].body
