"""The complaints workflow around `layers.Complaint`: catalogue, updates, photos, followers, abuse control."""

import datetime
import secrets

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from layers.models import Complaint, Municipality

Status = Complaint.Status


class ServiceCategory(models.Model):
    """A category of the service catalogue (the citizen charter): national default or one municipality's."""

    municipality = models.ForeignKey(
        Municipality,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="service_categories",
        verbose_name=_("municipality"),
        help_text=_("Empty: the national default, used where a municipality has no catalogue of its own."),
    )
    code = models.CharField(_("category"), max_length=20, choices=Complaint.Category.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    target_days = models.PositiveSmallIntegerField(
        _("service-level target (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    nearby_radius_m = models.PositiveIntegerField(
        _("radius for nearby reports (m)"), default=250, validators=[MinValueValidator(10), MaxValueValidator(5000)]
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["municipality", "code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service catalogue")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="category_unique_in_municipality"),
            models.UniqueConstraint(fields=["code"], condition=Q(municipality=None), name="category_unique_national"),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        return str(Complaint.Category(self.code).label)


def in_language(texts: dict, field: str) -> str:
    """`texts[field]` in the page's language: its `field_ar` / `field_fr` twin when filled, else the text itself."""
    return str(texts.get(f"{field}_{get_language()}") or texts.get(field) or "")


class ServiceQuestion(models.Model):
    """A question a category asks the reporter (an Open311 service definition attribute), in each language."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One choice")
        MULTI = "multivaluelist", _("Several choices")

    category = models.ForeignKey(ServiceCategory, models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(
        _("question"), max_length=200, help_text=_("In English; also shown where the French or Arabic text is empty.")
    )
    question_fr = models.CharField(_("question (French)"), max_length=200, blank=True)
    question_ar = models.CharField(_("question (Arabic)"), max_length=200, blank=True)
    datatype = models.CharField(_("answer type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # [{"key": "full", "name": "Full", "name_fr": "Plein", "name_ar": "ممتلئة"}, …] for the list types.
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For the list types: [{"key": "full", "name": "Full", "name_fr": "Plein", "name_ar": "…"}, …]'),
    )

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="question_code_unique")]

    def __str__(self) -> str:
        return self.question

    @property
    def keys(self) -> list[str]:
        return [str(value["key"]) for value in self.values]

    @property
    def label(self) -> str:
        """The question in the page's language."""
        return in_language(self.__dict__, "question")

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(key, name in the page's language) of each choice of the list types."""
        return [(str(value["key"]), in_language(value, "name")) for value in self.values]

    def answer_label(self, answer: object) -> str:
        """An answer as the reader says it: the names of the choices, a date and a number in the page's format."""
        if self.datatype in {self.Datatype.SINGLE, self.Datatype.MULTI}:
            names = dict(self.choices)
            answers = answer if isinstance(answer, list) else [answer]
            return pgettext("between the items of a list", ", ").join(names.get(str(a), str(a)) for a in answers)
        if self.datatype == self.Datatype.DATETIME:
            try:
                moment = datetime.datetime.fromisoformat(str(answer))
            except ValueError:
                return str(answer)
            return date_format(localtime(moment) if is_aware(moment) else moment, "SHORT_DATETIME_FORMAT")
        if self.datatype == self.Datatype.NUMBER and isinstance(answer, int | float):
            return number_format(int(answer) if float(answer).is_integer() else answer)
        return str(answer)


class ComplaintUpdate(models.Model):
    """One step of a report's life: a status change or a note, public or internal, by whom and when."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="updates")
    status_from = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="complaint_updates"
    )
    by_reporter = models.BooleanField(_("by the reporter"), default=False)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.status}"


def photo_path(photo: "ComplaintPhoto", filename: str) -> str:
    return f"complaints/{secrets.token_hex(16)}.jpg"


class ComplaintPhoto(models.Model):
    """A photo, re-encoded as JPEG without any metadata (see photos.py)."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name or ""


class Follower(models.Model):
    """A "me too": another citizen who has the same problem and follows the report."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="followers")
    # Private, like the reporter's contact.
    contact = models.CharField(_("e-mail or phone"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"{self.complaint_id} #{self.pk}"


class SatisfactionAnswer(models.Model):
    """The reporter's answer after resolution: was the problem fixed to her satisfaction?"""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="satisfaction_answers")
    satisfied = models.BooleanField(_("satisfied"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.satisfied}"


class Ban(models.Model):
    """A banned IP address or contact: its reports are refused."""

    class Kind(models.TextChoices):
        IP = "ip", _("IP address")
        CONTACT = "contact", _("E-mail or phone")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=100)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("ban list")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="ban_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ResponseTemplate(models.Model):
    """A ready answer staff pick when they change a status (national when no municipality)."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=2000)
    status = models.CharField(_("for the status"), max_length=20, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self) -> str:
        return self.title


def new_api_key() -> str:
    return secrets.token_urlsafe(24)


class ApiKey(models.Model):
    """An Open311 client allowed to POST requests."""

    name = models.CharField(_("client"), max_length=100)
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_api_key)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A populated place of the offline gazetteer (GeoNames), for place search on the report page."""

    geonameid = models.PositiveIntegerField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    asciiname = models.CharField(max_length=200, db_index=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    feature_code = models.CharField(max_length=10)
    population = models.PositiveIntegerField(default=0)
    location = gis_models.PointField(srid=4326)

    class Meta:
        ordering = ["-population", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("gazetteer")

    def __str__(self) -> str:
        return self.name


def new_reporter_key() -> str:
    return secrets.token_urlsafe(24)


class ReporterKey(models.Model):
    """The reporter's secret: the tracking code is public (Open311 lists it), reopening needs this key."""

    complaint = models.OneToOneField(Complaint, models.CASCADE, related_name="reporter_key")
    key = models.CharField(max_length=64, default=new_reporter_key)

    class Meta:
        verbose_name = _("reporter key")
        verbose_name_plural = _("reporter keys")

    def __str__(self) -> str:
        return str(self.complaint_id)
