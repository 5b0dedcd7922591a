"""Writes of council meetings: meetings and their agenda, documents and minutes; citizens' questions, their
moderation, supports and answers.

Each is one transaction; meetings, agenda items, documents and questions keep a restorable history
(simple_history), with the staff member who made the change and, where one is given, why.
"""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from gisportal.complaints import abuse
from gisportal.council import documents, notifications, selectors
from gisportal.council.models import AgendaItem, Document, Meeting, Question, QuestionSupport
from gisportal.participants.models import Participant
from layers.models import Municipality

QUESTION_MIN_CHARS = 10
QUESTION_MAX_CHARS = 1000
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "place"}


def _by(obj: object, staff: User | None) -> None:
    obj._history_user = staff  # type: ignore[attr-defined]  # simple_history's hook outside a request


# --- meetings -----------------------------------------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A meeting must end after it starts.")})


@transaction.atomic
def schedule_meeting(
    *,
    municipality: Municipality,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    kind: str = Meeting.Kind.ORDINARY,
    stream_url: str = "",
    staff: User | None = None,
) -> Meeting:
    """A new meeting of the municipality's council, scheduled and open for questions until it ends."""
    _check_times(starts_at, ends_at)
    if not title.strip() or not place.strip():
        raise ValidationError(_("A meeting needs a title and a place."))
    meeting = Meeting(
        municipality=municipality,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        kind=kind,
        stream_url=stream_url,
    )
    meeting.full_clean()
    _by(meeting, staff)
    meeting.save()
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, staff: User | None = None, **changes: object) -> Meeting:
    """Change a meeting's title, kind, times, place or stream link (the UID stays, so calendars follow)."""
    allowed = {"title", "kind", "starts_at", "ends_at", "place", "stream_url"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not a meeting detail: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if any(getattr(meeting, field) != value for field, value in changes.items() if field in CALENDAR_FIELDS):
        meeting.sequence += 1
    for field, value in changes.items():
        setattr(meeting, field, value)
    _check_times(meeting.starts_at, meeting.ends_at)
    meeting.full_clean()
    _by(meeting, staff)
    meeting.save()
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, reason: str, staff: User | None = None) -> Meeting:
    """Cancelled, with the reason shown to citizens; its calendar event says so too."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting was already held."))
    meeting.status, meeting.cancellation_reason = Meeting.Status.CANCELLED, reason.strip()
    meeting.sequence += 1
    _by(meeting, staff)
    meeting.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
    update_change_reason(meeting, reason.strip())
    return meeting


@transaction.atomic
def mark_held(*, meeting: Meeting, staff: User | None = None, now: datetime | None = None) -> Meeting:
    """The meeting took place: questions close, minutes may follow."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be marked as held."))
    if meeting.starts_at > (now or timezone.now()):
        raise ValidationError(_("This meeting has not started yet."))
    meeting.status = Meeting.Status.HELD
    _by(meeting, staff)
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def publish_minutes(
    *, meeting: Meeting, minutes: str, staff: User | None = None, now: datetime | None = None
) -> Meeting:
    """The minutes, published once the meeting is held (marking it held if it has started)."""
    if not minutes.strip():
        raise ValidationError({"minutes": _("The minutes are empty.")})
    if meeting.status != Meeting.Status.HELD:
        meeting = mark_held(meeting=meeting, staff=staff, now=now)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = meeting.minutes_published_at or (now or timezone.now())
    _by(meeting, staff)
    meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
    return meeting


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, title: str, description: str = "", staff: User | None = None) -> AgendaItem:
    """The next item at the end of the agenda."""
    if not title.strip():
        raise ValidationError({"title": _("An agenda item needs a title.")})
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # positions are numbered one at a time
    last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, title=title.strip(), description=description.strip())
    _by(item, staff)
    item.save()
    return item


@transaction.atomic
def remove_agenda_item(*, item: AgendaItem, staff: User | None = None) -> None:
    """Drop an item; the ones after it move up. Questions tied to it stay, tied to the meeting only."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _by(item, staff)
    item.delete()
    for later in meeting.agenda.filter(position__gt=item.position).order_by("position"):
        later.position -= 1
        _by(later, staff)
        later.save(update_fields=["position"])


@transaction.atomic
def attach_document(
    *, meeting: Meeting, title: str, upload: UploadedFile, kind: str = Document.Kind.ANNEX, staff: User | None = None
) -> Document:
    """A PDF or a photo of a document, checked by its content and size before anything is stored."""
    if not title.strip():
        raise ValidationError({"title": _("A document needs a title.")})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    content, size = documents.clean_document(upload)
    document = Document(meeting=meeting, title=title.strip(), kind=kind, size=size)
    document.file.save(content.name or "document", content, save=False)
    _by(document, staff)
    document.save()
    return document


# --- questions ----------------------------------------------------------------------------------------------


def _require_verified(participant: Participant) -> None:
    if participant.source != Participant.Source.ONLINE or participant.verified_at is None:
        raise PermissionDenied(_("Confirm your phone or e-mail first."))


@transaction.atomic
def ask_question(
    *,
    meeting: Meeting,
    author: Participant,
    text: str,
    agenda_item: AgendaItem | None = None,
    ip: str = "",
    now: datetime | None = None,
) -> Question:
    """A verified participant's question before or during the meeting; it waits for moderation."""
    _require_verified(author)
    abuse.check_ban(ip=ip, contact=author.contact or "")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    if not selectors.accepting_questions(meeting, now):
        raise ValidationError(_("This meeting no longer takes questions."), code="closed")
    cleaned = text.strip()
    if len(cleaned) < QUESTION_MIN_CHARS:
        raise ValidationError({"text": _("Write your question in a sentence or more.")})
    if len(cleaned) > QUESTION_MAX_CHARS:
        raise ValidationError({"text": _("A question may have at most 1,000 characters.")})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("This agenda item is not on this meeting's agenda.")})
    abuse.hit_participation_limit(action="council-question", ip=ip, contact=author.contact or "")
    return Question.objects.create(
        meeting=meeting,
        author=author,
        text=cleaned,
        agenda_item=agenda_item,
        during_meeting=now >= meeting.starts_at,
    )


@transaction.atomic
def publish_question(
    *, question: Question, staff: User | None = None, now: datetime | None = None, notify: bool = True
) -> Question:
    """Published on the meeting's page, where others may support it; its author is told."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author", "meeting__municipality")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.PENDING:
        raise ValidationError(_("This question was already moderated."))
    question.status, question.moderated_at = Question.Status.PUBLISHED, now or timezone.now()
    _by(question, staff)
    question.save(update_fields=["status", "moderated_at"])
    if notify:
        notifications.question_changed(question)
    return question


@transaction.atomic
def reject_question(
    *, question: Question, reason: str, staff: User | None = None, now: datetime | None = None, notify: bool = True
) -> Question:
    """Not published, with the reason its author reads on the meeting's page (kept in the history)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the question is not published.")})
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author", "meeting__municipality")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.PENDING:
        raise ValidationError(_("This question was already moderated."))
    question.status, question.rejection_reason = Question.Status.REJECTED, reason.strip()
    question.moderated_at = now or timezone.now()
    _by(question, staff)
    question.save(update_fields=["status", "rejection_reason", "moderated_at"])
    update_change_reason(question, reason.strip())
    if notify:
        notifications.question_changed(question)
    return question


def support_question(*, question: Question, participant: Participant, ip: str = "") -> bool:
    """One support per participant and published question; False when she had already supported it."""
    _require_verified(participant)
    abuse.check_ban(ip=ip, contact=participant.contact or "")
    question = Question.objects.select_related("meeting").get(pk=question.pk)  # as moderated now, not as read
    if question.status != Question.Status.PUBLISHED:
        raise ValidationError(_("Only published questions can be supported."))
    if question.author_id == participant.pk:
        raise ValidationError(_("You cannot support your own question."))
    if question.meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    abuse.hit_participation_limit(action="council-support", ip=ip)
    try:
        with transaction.atomic():
            QuestionSupport.objects.create(question=question, participant=participant)
    except IntegrityError:  # the unique constraint: twice from one participant, even at the same moment
        return False
    return True


@transaction.atomic
def answer_question(
    *, question: Question, answer: str, staff: User | None = None, now: datetime | None = None, notify: bool = True
) -> Question:
    """The council's answer, published beside the question; it may be corrected later (the history keeps both)."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer before publishing it.")})
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author", "meeting__municipality")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.PUBLISHED:
        raise ValidationError(_("Only published questions can be answered."))
    first_answer = question.answered_at is None
    question.answer = answer.strip()
    question.answered_at = question.answered_at or (now or timezone.now())
    question.answered_by = staff
    _by(question, staff)
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    if notify and first_answer:  # a corrected answer is not sent again
        notifications.question_changed(question)
    return question
