"""Who takes part in participatory budgets, petitions, consultations and score cards: one record per person.

A participant is known by a verified contact (a one-time code by SMS or e-mail), or entered on paper by
staff. Her national ID is never stored, only a keyed hash of it, to stop one person taking part twice.
Her gender, age band and district are self-declared, optional, and only ever shown as aggregates.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")


class AgeBand(models.TextChoices):
    UNDER_18 = "under-18", _("Under 18")
    FROM_18 = "18-29", _("18 to 29")
    FROM_30 = "30-44", _("30 to 44")
    FROM_45 = "45-59", _("45 to 59")
    FROM_60 = "60+", _("60 and over")


class Participant(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", _("Online, verified contact")
        PAPER = "paper", _("On paper, entered by staff")

    # A normalised e-mail address or an international phone number (+216…); none for a paper participant.
    contact = models.CharField(_("contact"), max_length=254, unique=True, null=True, blank=True)
    id_hash = models.CharField(_("national ID (keyed hash)"), max_length=64, unique=True, null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    district = models.ForeignKey(
        "layers.District", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    verified_at = models.DateTimeField(_("contact verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="paper") | models.Q(contact__isnull=False), name="online_has_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"


class ContactCode(models.Model):
    """A one-time code sent to a contact; kept as a keyed hash, valid for minutes and a few attempts."""

    contact = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.contact}"
