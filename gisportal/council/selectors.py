"""Reads of council meetings: a municipality's upcoming and past meetings, the published questions by support."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gisportal.council.models import Meeting, Question, QuestionSupport
from gisportal.participants.models import Participant
from layers.models import Municipality


def municipality_of(code: str) -> Municipality | None:
    return Municipality.objects.filter(code=code).first()


def meeting_of(code: str, pk: int) -> Meeting | None:
    return Meeting.objects.select_related("municipality").filter(municipality__code=code, pk=pk).first()


@dataclass(frozen=True)
class Calendar:
    upcoming: list[Meeting]
    past: list[Meeting]


def meetings_of(municipality: Municipality, now: datetime | None = None, past_limit: int = 50) -> Calendar:
    """Upcoming meetings soonest first (a meeting under way counts as upcoming), past ones latest first."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(municipality=municipality).annotate(
        published_questions=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
    )
    return Calendar(
        upcoming=list(meetings.filter(ends_at__gte=now).order_by("starts_at")),
        past=list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:past_limit]),
    )


def accepting_questions(meeting: Meeting, now: datetime | None = None) -> bool:
    """Questions are taken before a scheduled meeting and while it runs, until it ends or is marked held."""
    now = now or timezone.now()
    return meeting.status == Meeting.Status.SCHEDULED and now <= meeting.ends_at


def open_for_questions(**where: object) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now(), **where)
        .select_related("municipality")
        .order_by("starts_at")
    )


def published_questions(meeting: Meeting) -> QuerySet[Question]:
    """The questions the public sees, most supported first, with their answers (never who asked)."""
    return (
        meeting.questions.filter(status=Question.Status.PUBLISHED)
        .select_related("agenda_item")
        .annotate(support_count=Count("supports"))
        .order_by("-support_count", "created_at")
    )


def moderation_queue(meeting: Meeting) -> QuerySet[Question]:
    return meeting.questions.filter(status=Question.Status.PENDING).select_related("agenda_item").order_by("created_at")


def supported_by(meeting: Meeting, participant: Participant | None) -> set[int]:
    if participant is None:
        return set()
    return set(
        QuestionSupport.objects.filter(question__meeting=meeting, participant=participant).values_list(
            "question_id", flat=True
        )
    )


def own_questions(meeting: Meeting, participant: Participant | None) -> list[Question]:
    """Her own questions, whatever their state: she alone sees a pending or rejected one (with its reason)."""
    if participant is None:
        return []
    return list(meeting.questions.filter(author=participant).order_by("created_at"))


def municipalities_with_meetings() -> list[Municipality]:
    """Every municipality with a meeting, each with its count of meetings still open for questions."""
    open_now = Q(council_meetings__status=Meeting.Status.SCHEDULED, council_meetings__ends_at__gte=timezone.now())
    return list(
        Municipality.objects.filter(council_meetings__isnull=False)
        .annotate(open_meetings=Count("council_meetings", filter=open_now, distinct=True))
        .distinct()
        .order_by("name_fr")
        .only("code", "name_fr", "name_ar")
    )
