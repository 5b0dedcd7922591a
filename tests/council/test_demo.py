"""The demo loader: in each pilot a past meeting with answered questions and minutes, an upcoming one open."""

from django.core.management import call_command

from gisportal.council import selectors
from gisportal.council.models import Meeting, Question, QuestionSupport


def test_the_demo_has_every_state_and_loads_once(tozeur, beja, capsys) -> None:
    call_command("load_demo_council", "--if-empty")
    assert "5 demo council meetings loaded" in capsys.readouterr().out  # Sousse is not in the test frame
    for town in (tozeur, beja):
        calendar = selectors.meetings_of(town.municipality)
        (past,) = calendar.past
        assert past.status == Meeting.Status.HELD and past.minutes_published_at is not None
        answered = past.questions.filter(answered_at__isnull=False)
        assert answered.exists() and all(q.status == Question.Status.PUBLISHED for q in answered)
        upcoming = [m for m in calendar.upcoming if m.status == Meeting.Status.SCHEDULED]
        assert len(upcoming) == 1 and selectors.accepting_questions(upcoming[0])
        assert QuestionSupport.objects.filter(question__meeting=upcoming[0]).exists()
        assert selectors.moderation_queue(upcoming[0]).count() == 1
    assert Meeting.objects.filter(status=Meeting.Status.CANCELLED, municipality=beja.municipality).count() == 1
    call_command("load_demo_council", "--if-empty")
    assert "already loaded" in capsys.readouterr().out and Meeting.objects.count() == 5
