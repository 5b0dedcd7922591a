"""Community score cards, the World Bank's method: a cycle per service, facility or territory of a municipality.

Facts first (input indicators), then focus groups score the service on a 1-5 scale with a reason and a suggestion,
the provider scores itself, both meet at the interface meeting and agree an action plan, followed publicly until
done. Verified participants may also score online, once per indicator (changeable while scoring is open). No public
page shows who scored: online scores are read as aggregates only, and their history does not keep the participant.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from gisportal.participants.models import Participant
from layers.templatetags.place_names import local_name

LOWEST, HIGHEST = 1, 5
SCALE = [MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)]


def _on_scale(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": LOWEST, f"{field}__lte": HIGHEST}), name=f"%(class)s_{field}_1_to_5"
    )


class Service(models.TextChoices):
    WASTE = "waste", _("Waste collection")
    CLEANING = "cleaning", _("Street cleaning")
    LIGHTING = "lighting", _("Street lighting")
    ROADS = "roads", _("Roads and pavements")
    FEES = "fees", _("Municipal fees and civil status")
    HEALTH = "health", _("Health services")
    GREEN = "green", _("Parks and green spaces")
    OTHER = "other", _("Other")


class Cycle(models.Model):
    class Subject(models.TextChoices):
        SERVICE = "service", _("A service across the municipality")
        FACILITY = "facility", _("A facility")
        TERRITORY = "territory", _("A district")

    municipality = models.ForeignKey(
        "layers.Municipality", models.PROTECT, related_name="score_card_cycles", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("scored"), max_length=10, choices=Subject.choices, default=Subject.SERVICE)
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    facility = models.ForeignKey(
        "layers.ServicePoint", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("facility")
    )
    district = models.ForeignKey(
        "layers.District", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    provider = models.CharField(_("service provider"), max_length=200, help_text=_("Who delivers the service"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("score card cycle")
        verbose_name_plural = _("score card cycles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(subject="facility") | models.Q(facility__isnull=False),
                name="facility_cycle_names_it",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject="territory") | models.Q(district__isnull=False),
                name="territory_cycle_names_it",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        SCORING = "scoring", _("Scoring")
        SELF_EVALUATION = "self-evaluation", _("Self-evaluation")
        INTERFACE = "interface", _("Interface meeting")
        FOLLOW_UP = "follow-up", _("Action plan follow-up")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="score_card_one_phase_of_each_kind"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="score_card_phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}/{self.ends_on}"


PHASE_ORDER = list(Phase.Kind.values)


class InputIndicator(models.Model):
    """A fact about the means of the service (staff, trucks, bins, budget executed), with where it comes from."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="inputs")
    name = models.CharField(_("input"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    planned = models.DecimalField(_("planned or entitled"), max_digits=16, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("input indicator")
        verbose_name_plural = _("input indicators")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="one_input_of_each_name")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A performance indicator the groups chose to score (e.g. 'Collection on the announced days')."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("performance indicator")
        verbose_name_plural = _("performance indicators")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="one_indicator_of_each_name")]

    def __str__(self) -> str:
        return self.name


class FocusGroup(models.Model):
    class Kind(models.TextChoices):
        WOMEN = "women", _("Women")
        MEN = "men", _("Men")
        YOUTH = "youth", _("Youth")
        ELDERLY = "elderly", _("Elderly people")
        DISTRICT = "district", _("People of a marginalised district")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="groups")
    kind = models.CharField(_("group"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        "layers.District", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    size = models.PositiveSmallIntegerField(_("people in the group"), validators=[MinValueValidator(1)])
    met_on = models.DateField(_("met on"))
    place = models.CharField(_("place"), max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "met_on", "pk"]
        verbose_name = _("focus group")
        verbose_name_plural = _("focus groups")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="district") | models.Q(district__isnull=False), name="district_group_names_it"
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="focus_group_has_people"),
        ]

    def __str__(self) -> str:
        if self.district_id:  # the district named in the reader's language
            return f"{self.get_kind_display()}: {local_name(self.district)}"
        return str(self.get_kind_display())


class GroupScore(models.Model):
    group = models.ForeignKey(FocusGroup, models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="group_scores")
    score = models.PositiveSmallIntegerField(_("score (1 to 5)"), validators=SCALE)
    reason = models.TextField(_("reason"), max_length=2000)
    suggestion = models.TextField(_("suggestion"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group score")
        verbose_name_plural = _("group scores")
        constraints = [
            models.UniqueConstraint(fields=["group", "indicator"], name="one_score_per_group_and_indicator"),
            _on_scale("score"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.score}"


class SelfEvaluation(models.Model):
    """The provider's own score of an indicator, brought to the interface meeting."""

    indicator = models.OneToOneField(Indicator, models.CASCADE, related_name="self_evaluation")
    score = models.PositiveSmallIntegerField(_("score (1 to 5)"), validators=SCALE)
    reason = models.TextField(_("reason"), max_length=2000)
    suggestion = models.TextField(_("suggestion"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")
        constraints = [_on_scale("score")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class OnlineScore(models.Model):
    """One verified participant's score of one indicator, changeable while scoring is open."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="online_scores")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="online_scores")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (1 to 5)"), validators=SCALE)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    suggestion = models.TextField(_("suggestion"), max_length=1000, blank=True)
    scored_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["participant"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "indicator", "participant"], name="one_online_score_per_participant_and_indicator"
            ),
            _on_scale("score"),
        ]
        indexes = [models.Index(fields=["participant"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class ActionItem(models.Model):
    """What the interface meeting agreed: who does what by when, followed publicly until done."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("action status", "Planned")
        IN_PROGRESS = "in-progress", pgettext_lazy("action status", "In progress")
        DONE = "done", pgettext_lazy("action status", "Done")
        LATE = "late", pgettext_lazy("action status", "Late")

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="actions")
    indicator = models.ForeignKey(
        Indicator, models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("indicator")
    )
    what = models.TextField(_("what"), max_length=2000)
    who = models.CharField(
        _("who"), max_length=200, help_text=_("The office or body responsible, never a private person")
    )
    due_on = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    agreed_on = models.DateField(_("agreed on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("action plan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False), name="done_action_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.what[:80]


class ActionUpdate(models.Model):
    action = models.ForeignKey(ActionItem, models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionItem.Status.choices)
    note = models.TextField(_("what happened"), max_length=2000)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "on", "pk"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")

    def __str__(self) -> str:
        return f"{self.on}: {self.get_status_display()}"
