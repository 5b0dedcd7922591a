"""Council meetings open to citizens: the agenda, documents, stream, minutes, and the questions citizens ask.

Questions come from verified participants (`gisportal.participants`) and wait in a moderated queue; published
ones are supported by others (one support each) and answered by staff. No public page shows who asked or supported.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gisportal.participants.models import Participant


class Meeting(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    municipality = models.ForeignKey(
        "layers.Municipality", models.PROTECT, related_name="council_meetings", verbose_name=_("municipality")
    )
    # The iCalendar UID: it never changes, so a calendar updates the event instead of adding another.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.ORDINARY)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField(_("why it was cancelled"), blank=True)
    stream_url = models.URLField(_("live stream or recording"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    # RFC 5545's SEQUENCE: one more each time the time, place or status changes, so calendars take the change.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        indexes = [models.Index(fields=["municipality", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancellation_reason=""),
                name="cancelled_meeting_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_published_at__isnull=True) | models.Q(status="held"),
                name="minutes_only_after_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_agenda_item_per_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Document(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        ANNEX = "annex", _("Supporting document")
        MINUTES = "minutes", _("Minutes")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ANNEX)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="council/%Y/")
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "uploaded_at"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="questions")
    agenda_item = models.ForeignKey(
        AgendaItem, models.SET_NULL, null=True, blank=True, related_name="questions", verbose_name=_("agenda item")
    )
    author = models.ForeignKey(Participant, models.PROTECT, related_name="council_questions")
    text = models.TextField(_("question"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.TextField(_("why it was not published"), blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    during_meeting = models.BooleanField(_("asked during the meeting"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["author"])

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("citizen's question")
        verbose_name_plural = _("citizens' questions")
        indexes = [models.Index(fields=["meeting", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="rejected_question_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | (models.Q(status="published") & ~models.Q(answer="")),
                name="answered_question_is_published_with_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionSupport(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="council_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support for a question")
        verbose_name_plural = _("supports for questions")
        constraints = [models.UniqueConstraint(fields=["question", "participant"], name="one_support_per_participant")]

    def __str__(self) -> str:
        return f"support #{self.pk}"
