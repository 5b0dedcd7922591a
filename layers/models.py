"""The municipal layers. Every geometry is stored in EPSG:4326 with one GiST index, on the geometry.

Metric distance queries use that index too: `geom && metres_envelope(point, metres)` (a box in degrees
that holds every point within `metres`, migration 0007), then the exact test on the spheroid
(`selectors.within_metres`).
"""

import random
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from layers.rules import RATE, SRID, NumberRange, geometry_problem, unique_where_given, valid_geometry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEVELOPMENT_INDEX = NumberRange(0, 1)
DISTANCE = NumberRange(0)
RATES = ("poverty_rate", "unemployment_rate", "water_access_rate", "sanitation_access_rate", "waste_collection_rate")


class AsGeography(Func):
    """`field::geography`, the plain cast that hand-written SQL writes too (migration 0005 names it).

    (Django's Cast writes `::geography(Geometry,4326)`.)
    """

    template = "(%(expressions)s)::geography"
    output_field = models.GeometryField(srid=SRID, geography=True)


class LayerHistory(HistoricalRecords):
    """A layer's simple-history, indexed only as it is read: by feature id and date.

    Versions are looked up per feature, never by place or by municipality: a spatial index and a B-tree
    per foreign key would only slow every edit and double the cost of a bulk import.
    """

    def copy_fields(self, model: type[models.Model]) -> dict[str, models.Field]:
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != "id":
                field.db_index = False
            if isinstance(field, models.GeometryField):
                field.spatial_index = False
        return fields


def percentage(verbose_name: "StrOrPromise") -> models.FloatField:
    return models.FloatField(verbose_name, null=True, blank=True, validators=[RATE])


class InMunicipality:
    """A feature of one municipality: its geometry meets the municipality's boundary (as an import checks it)."""

    geometry_field: str

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        geometry = getattr(self, self.geometry_field)
        municipality_id = getattr(self, "municipality_id", None)
        if municipality_id is None or geometry is None or geometry_problem(geometry) is not None:
            return  # nothing to compare, or the field's own validator already says what is wrong
        if not Municipality.objects.filter(pk=municipality_id, boundary__intersects=geometry).exists():
            outside = _("This place is outside the municipality's boundary.")
            raise ValidationError({self.geometry_field: ValidationError(outside, code="outside_municipality")})


class Governorate(models.Model):
    code = models.CharField(_("official code"), max_length=2, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory()

    class Meta:
        ordering = ["code"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")

    def __str__(self) -> str:
        return self.name_fr


class Delegation(models.Model):
    """A 2014 census delegation (mutamadiya), with its census population."""

    code = models.CharField(_("census code"), max_length=8, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    governorate = models.ForeignKey(
        Governorate, models.PROTECT, related_name="delegations", verbose_name=_("governorate")
    )
    population_2014 = models.PositiveIntegerField(_("population (2014 census)"), null=True, blank=True)
    households_2014 = models.PositiveIntegerField(_("households (2014 census)"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=20, blank=True, help_text=_("e.g. Nord-ouest, Centre-ouest"))
    # The 2011 regional development index (ITCEQ): the national measure of which delegations lag behind.
    development_index_2011 = models.FloatField(
        _("regional development index (2011)"),
        null=True,
        blank=True,
        validators=[DEVELOPMENT_INDEX],
        help_text=_("0 for the least developed delegation, 1 for the most developed"),
    )
    distance_to_governorate_seat_km = models.FloatField(
        _("distance to the governorate seat (km)"), null=True, blank=True, validators=[DISTANCE]
    )
    distance_to_tunis_km = models.FloatField(_("distance to Tunis (km)"), null=True, blank=True, validators=[DISTANCE])
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory()

    class Meta:
        ordering = ["code"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=DEVELOPMENT_INDEX.condition("development_index_2011"),
                name="delegation_development_index_within_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name_fr


class Municipality(models.Model):
    class Kind(models.TextChoices):
        OLD = "old", _("Municipality before 2016")
        EXTENDED = "extended", _("Extended in 2016")
        NEW = "new", _("Created in 2016")

    code = models.CharField(_("official code"), max_length=4, unique=True, help_text=_("DGCL code, e.g. 6211"))
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    governorate = models.ForeignKey(
        Governorate, models.PROTECT, related_name="municipalities", verbose_name=_("governorate")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    council_seats = models.PositiveSmallIntegerField(_("council seats"), null=True, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory()

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name_fr} ({self.code})"


class District(InMunicipality, models.Model):
    """A neighbourhood or rural area, with the indicators that mark it as marginalised."""

    geometry_field = "boundary"

    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban neighbourhood")
        PERI_URBAN = "peri_urban", _("Peri-urban area")
        RURAL = "rural", _("Rural area")

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="districts", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.URBAN)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    poverty_rate = percentage(_("poverty rate (%)"))
    unemployment_rate = percentage(_("unemployment rate (%)"))
    water_access_rate = percentage(_("households with drinking water (%)"))
    sanitation_access_rate = percentage(_("households connected to sanitation (%)"))
    waste_collection_rate = percentage(_("households with waste collection (%)"))
    is_priority = models.BooleanField(_("priority district"), default=False)
    # Mean deprivation over the five indicators, 0 (none) to 100; empty while an indicator is unknown.
    marginalisation_score = models.GeneratedField(
        expression=(
            F("poverty_rate")
            + F("unemployment_rate")
            + (100 - F("water_access_rate"))
            + (100 - F("sanitation_access_rate"))
            + (100 - F("waste_collection_rate"))
        )
        / 5.0,
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("marginalisation score"),
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory(excluded_fields=["marginalisation_score"])

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_name_unique_in_municipality"),
            # One CHECK for the five (one query when a form validates it): no NaN, no rate above 100 %.
            models.CheckConstraint(
                condition=Q(*(RATE.condition(name) for name in RATES)), name="district_rates_within_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServicePoint(InMunicipality, models.Model):
    geometry_field = "location"

    class Kind(models.TextChoices):
        WASTE_CONTAINER = "waste_container", _("Waste container")
        COLLECTION_POINT = "collection_point", _("Collection point")
        RECYCLING_POINT = "recycling_point", _("Recycling point")
        TRANSFER_STATION = "transfer_station", _("Transfer station")
        LANDFILL = "landfill", _("Landfill")
        HEALTH_FACILITY = "health_facility", _("Health facility")
        PHARMACY = "pharmacy", _("Pharmacy")
        MUNICIPAL_OFFICE = "municipal_office", _("Municipal office")
        CITIZEN_SERVICE_SPACE = "citizen_service_space", _("Citizen service space")
        SCHOOL = "school", _("School")
        POST_OFFICE = "post_office", _("Post office")
        MARKET = "market", _("Market")
        WATER_POINT = "water_point", _("Water point")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="service_points", verbose_name=_("municipality")
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_SERVICE)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Litres for containers, beds for health facilities, …"),
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=255,
        blank=True,
        help_text=_("OpenStreetMap syntax, e.g. Mo-Fr 08:00-17:00"),
    )
    osm_id = models.BigIntegerField(_("OpenStreetMap node"), null=True, blank=True)
    location = models.PointField(_("location"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory()

    class Meta:
        ordering = ["municipality", "kind", "name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            unique_where_given(
                "osm_id", "layers_servicepoint_osm_id_key", _("Another service point is this OpenStreetMap node.")
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} #{self.pk}"


class CollectionRoute(InMunicipality, models.Model):
    """A waste collection round: where the truck goes, on which days, at what time."""

    geometry_field = "path"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every other week")

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="collection_routes", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)
    # ISO weekdays, 1 = Monday … 7 = Sunday.
    service_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(7)]),
        verbose_name=_("service days"),
        size=7,
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    starts_at = models.TimeField(_("collection starts"))
    ends_at = models.TimeField(_("collection ends"))
    vehicle = models.CharField(_("vehicle"), max_length=100, blank=True)
    service_points = models.ManyToManyField(
        ServicePoint, blank=True, related_name="collection_routes", verbose_name=_("service points")
    )
    path = models.MultiLineStringField(_("path"), srid=SRID, validators=[valid_geometry])
    history = LayerHistory(m2m_fields=[service_points])

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("collection route")
        verbose_name_plural = _("collection routes")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="route_name_unique_in_municipality"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="route_starts_before_it_ends"),
        ]

    def __str__(self) -> str:
        return self.name


def new_tracking_code(rng: random.Random | None = None) -> str:
    """Short, unambiguous, hard to guess: what a citizen reads out on the phone. `rng` for seeded demo data."""
    choose = rng.choice if rng else secrets.choice
    return "".join(choose("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(10))


class Complaint(models.Model):
    """A citizen's report of a problem at a place (e-Chikaya)."""

    class Category(models.TextChoices):
        WASTE = "waste", _("Waste not collected")
        ILLEGAL_DUMPING = "illegal_dumping", _("Illegal dumping")
        ROADS = "roads", _("Roads and pavements")
        LIGHTING = "lighting", _("Street lighting")
        WATER = "water", _("Water and sanitation")
        GREEN_SPACES = "green_spaces", _("Parks and green spaces")
        NOISE = "noise", _("Noise and nuisance")
        BUILDING = "building", _("Building and permits")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED_WITHOUT_FIX = "closed_without_fix", _("Closed without a fix")
        DUPLICATE = "duplicate", _("Duplicate")
        REJECTED = "rejected", _("Rejected")
        REOPENED = "reopened", _("Reopened")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    tracking_code = models.CharField(
        _("tracking code"),
        max_length=12,
        unique=True,
        default=new_tracking_code,
        editable=False,
    )
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="complaints", editable=False, verbose_name=_("municipality")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        editable=False,
        verbose_name=_("district"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Private: never shown on a public page or API.
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("reporter's e-mail or phone"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)
    location = models.PointField(_("location"), srid=SRID, validators=[valid_geometry])
    # The workflow (gisportal.complaints): the citizen charter's due date, triage and moderation.
    # Database defaults too, for the bulk loaders that INSERT in SQL (etl.demo).
    answers = models.JSONField(
        _("answers to the category's questions"), default=dict, db_default=Value({}, models.JSONField()), blank=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL, db_default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assigned to"),
    )
    is_hidden = models.BooleanField(
        _("hidden from the public"),
        default=False,
        db_default=False,
        help_text=_("Moderation: abusive or personal content."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    source = models.CharField(_("reported through"), max_length=40, blank=True, default="", db_default="")
    # Routing: the nearest asset the problem is probably about (a container for uncollected waste, …).
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        editable=False,
        verbose_name=_("nearest asset"),
    )
    history = LayerHistory()

    OPEN_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["municipality", "status"], name="complaint_municipality_status"),
            models.Index(fields=["updated_at"], name="complaint_updated_at"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def __str__(self) -> str:
        return f"{self.tracking_code} — {self.get_category_display()}"
