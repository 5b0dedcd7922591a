"""Citizens' petitions to their municipality: drafted, co-promoted, checked, signed, answered.

A petition's signers are private: `Signature` links a participant to a petition (one each, a database
constraint) so that she is counted once and told of the answer; public pages read only counts.
Every change of state is a public `PetitionEvent`; the petition itself keeps a restorable history.
"""

import math

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gisportal.participants.models import Participant

SRID = 4326


class Threshold(models.Model):
    """How many signatures oblige the municipality to answer, for the whole municipality or one district."""

    class Kind(models.TextChoices):
        SHARE = "share", _("A share of the population (census)")
        FIXED = "fixed", _("A fixed number of signatures")

    municipality = models.ForeignKey(
        "layers.Municipality", models.CASCADE, related_name="petition_thresholds", verbose_name=_("municipality")
    )
    district = models.ForeignKey(
        "layers.District",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Empty: the whole municipality (and every district without a threshold of its own)."),
    )
    kind = models.CharField(_("rule"), max_length=5, choices=Kind.choices, default=Kind.SHARE)
    share_percent = models.DecimalField(
        _("share of the population (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )
    fixed_count = models.PositiveIntegerField(
        _("number of signatures"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name_fr", "district__name"]
        verbose_name = _("petition threshold")
        verbose_name_plural = _("petition thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "district"], name="one_threshold_per_territory", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="share", share_percent__isnull=False))
                | models.Q(kind="fixed", fixed_count__isnull=False),
                name="threshold_has_its_number",
            ),
        ]

    def __str__(self) -> str:
        return str(self.district or self.municipality)

    def population(self) -> int | None:
        return (self.district or self.municipality).population

    def signatures_needed(self) -> int | None:
        """The number a petition must reach; None when the census population is unknown."""
        if self.kind == self.Kind.FIXED:
            return self.fixed_count
        population = self.population()
        if population is None or self.share_percent is None:
            return None
        return max(1, math.ceil(population * float(self.share_percent) / 100))


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CO_PROMOTERS = "co-promoters", _("Gathering co-promoters")
    IN_REVIEW = "in-review", _("Being checked by the municipality")
    OPEN = "open", _("Open for signatures")
    THRESHOLD_REACHED = "threshold-reached", _("Threshold reached, awaiting the answer")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    CLOSED_UNMET = "closed-unmet", _("Closed without reaching the threshold")


PUBLIC_STATES = [s for s in State.values if s != State.DRAFT]
SIGNING_STATES = [State.OPEN, State.THRESHOLD_REACHED]


class Petition(models.Model):
    municipality = models.ForeignKey(
        "layers.Municipality", models.PROTECT, related_name="petitions", verbose_name=_("municipality")
    )
    district = models.ForeignKey(
        "layers.District", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10_000)
    location = models.GeometryField(_("place or area"), srid=SRID, null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    opened_on = models.DateField(_("signatures from"), null=True, blank=True)
    closes_on = models.DateField(_("signatures until"), null=True, blank=True)
    signatures_needed = models.PositiveIntegerField(_("signatures needed"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer due by"), null=True, blank=True)
    answer = models.TextField(_("the municipality's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    history = HistoricalRecords(excluded_fields=["author"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["municipality", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""), name="refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="answered") | models.Q(answered_at__isnull=False),
                name="answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_signing(self) -> bool:
        return self.state in SIGNING_STATES


class PetitionEvent(models.Model):
    """One public change of state, with its date and, for a refusal or an answer, what was said."""

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="events")
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    happened_at = models.DateTimeField(_("date"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["happened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.state}"


class CoPromoter(models.Model):
    petition = models.ForeignKey(Petition, models.CASCADE, related_name="co_promoters")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "participant"], name="co_promote_once")]


class Signature(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper, entered by staff")

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="signatures")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "participant"], name="sign_once")]
        indexes = [models.Index(fields=["petition", "source"])]
