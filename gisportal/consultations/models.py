"""Public consultations and co-creation: a municipality puts a draft (a regulation, a local health programme, a
plan) to its residents section by section, with an optional short survey, and reports what it changed.

Comments are public but never show who wrote them. Survey answers are private: `SurveyAnswer` carries no
participant, only a keyed hash of the consultation and the participant (to let her change it while open) and the
self-declared group needed for totals, as the participatory budget's ballots do.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gisportal.participants.models import AgeBand, Gender, Participant

SRID = 4326


class Consultation(models.Model):
    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Municipal regulation")
        HEALTH_PROGRAMME = "health-programme", _("Local health programme")
        PLAN = "plan", _("Plan")
        POLICY = "policy", _("Local policy")

    class Topic(models.TextChoices):
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        CULTURE = "culture", _("Culture")
        YOUTH = "youth", _("Young people")
        WOMEN = "women", _("Women")
        VULNERABLE = "vulnerable", _("Vulnerable groups")
        ENVIRONMENT = "environment", _("Environment")
        URBANISM = "urbanism", _("Urban planning")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Opens soon")
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed, report in preparation")
        REPORTED = "reported", _("Report published")

    municipality = models.ForeignKey(
        "layers.Municipality", models.PROTECT, related_name="consultations", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what is consulted on, in a few lines"), max_length=3000)
    kind = models.CharField(_("draft"), max_length=20, choices=Kind.choices, default=Kind.REGULATION)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    report_summary = models.TextField(_("report: what the municipality concluded"), blank=True)
    report_published_at = models.DateTimeField(_("report published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="consultation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(report_published_at__isnull=True) | models.Q(closed_at__isnull=False),
                name="consultation_report_after_close",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "opens_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        if self.report_published_at:
            return self.State.REPORTED
        if self.closed_at or self.closes_on < timezone.localdate():
            return self.State.CLOSED
        if self.opens_on > timezone.localdate():
            return self.State.UPCOMING
        return self.State.OPEN

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Section(models.Model):
    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the draft"), max_length=20_000)
    response = models.TextField(
        _("what the municipality changed in response"),
        blank=True,
        help_text=_("Published with the report: what changed in this section after the comments, and why."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["consultation", "position"], name="one_section_per_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Comment(models.Model):
    """A comment on a section, or dropped on the map; a reply answers a top-level comment (one level only)."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        Section, models.CASCADE, null=True, blank=True, related_name="comments", verbose_name=_("section")
    )
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    author = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=3000)
    location = models.PointField(_("place"), srid=SRID, null=True, blank=True)
    district = models.ForeignKey(
        "layers.District", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    source = models.CharField(_("source"), max_length=10, choices=Participant.Source.choices, default="online")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["author"])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["consultation", "section"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=False)
                | models.Q(location__isnull=False)
                | models.Q(parent__isnull=False),
                name="comment_on_a_section_or_a_place",
            ),
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="hidden_comment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:40]}"


class Stance(models.Model):
    """One participant's support or opposition to a section: one each, changeable while the consultation is open."""

    class Value(models.TextChoices):
        SUPPORT = "support", _("I support")
        OPPOSE = "oppose", _("I oppose")

    section = models.ForeignKey(Section, models.CASCADE, related_name="stances")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    value = models.CharField(max_length=8, choices=Value.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "participant"], name="one_stance_per_section")]


class Participation(models.Model):
    """Who took part in a consultation (never what she answered), with her group as declared when she last acted."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="participations")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    district = models.ForeignKey("layers.District", models.SET_NULL, null=True, blank=True, related_name="+")
    first_at = models.DateTimeField(auto_now_add=True)
    surveyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "participant"], name="one_participation_each")]


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("answers"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "position", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    label = models.CharField(_("answer"), max_length=200)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.label


class SurveyAnswer(models.Model):
    """One respondent's answers with no link to her but a keyed hash; her group is copied for totals only."""

    key = models.CharField(primary_key=True, max_length=64)
    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="survey_answers")
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    district = models.ForeignKey("layers.District", models.SET_NULL, null=True, blank=True, related_name="+")
    choices = ArrayField(models.BigIntegerField())

    class Meta:
        indexes = [models.Index(fields=["consultation"])]
