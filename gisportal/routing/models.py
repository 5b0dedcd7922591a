"""The routable street network built from `etl.RoadSegment`, its cached travel matrices, and optimisation runs."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from layers.models import SRID, Municipality


class RoadNetwork(models.Model):
    """A municipality's routing graph: rebuilt when its road segments change (their signature), versioned so that
    cached matrices of an older graph are never read."""

    municipality = models.OneToOneField(
        Municipality, models.CASCADE, related_name="road_network", verbose_name=_("municipality")
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    signature = models.CharField(_("signature of the road segments"), max_length=32, blank=True)
    # Set by the demo loader: the streets are generated, not surveyed; kept only while no segment has an OSM id.
    synthetic_seed = models.IntegerField(_("seed of the synthetic streets"), null=True, blank=True)
    segments = models.PositiveIntegerField(_("road segments"), default=0)
    nodes = models.PositiveIntegerField(_("intersections"), default=0)
    edges = models.PositiveIntegerField(_("edges"), default=0)
    components = models.PositiveIntegerField(_("strongly connected parts"), default=0)
    island_edges = models.PositiveIntegerField(_("edges outside the main part"), default=0)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), default=0)

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")

    def __str__(self) -> str:
        return f"{self.municipality} v{self.version}"

    @property
    def synthetic(self) -> bool:
        return self.synthetic_seed is not None


class RoadNode(models.Model):
    """An intersection or dead end: where two segments share a vertex, or a segment ends."""

    network = models.ForeignKey(RoadNetwork, models.CASCADE, related_name="road_nodes")
    component = models.BigIntegerField(default=0)
    routable = models.BooleanField(default=False)
    location = models.PointField(srid=SRID)


class RoadEdge(models.Model):
    """A piece of street between two nodes; one-way streets have no reverse cost (-1, pgRouting's convention)."""

    network = models.ForeignKey(RoadNetwork, models.CASCADE, related_name="road_edges")
    # No constraint: an import may delete and reload the segments; the next build replaces these edges.
    segment = models.ForeignKey("etl.RoadSegment", models.DO_NOTHING, db_constraint=False, related_name="+")
    source = models.BigIntegerField()
    target = models.BigIntegerField()
    length_m = models.FloatField()
    cost_s = models.FloatField()
    reverse_cost_s = models.FloatField()
    routable = models.BooleanField(default=False)
    path = models.LineStringField(srid=SRID)

    class Meta:
        indexes = [models.Index(fields=["network", "routable"])]


class TravelMatrix(models.Model):
    """Travel times (s) and distances (m) between a set of nodes, on one version of a network."""

    network = models.ForeignKey(RoadNetwork, models.CASCADE, related_name="matrices")
    version = models.PositiveIntegerField()
    key = models.CharField(max_length=32)
    node_ids = ArrayField(models.BigIntegerField())
    durations = models.JSONField()
    distances = models.JSONField()
    build_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "version", "key"], name="matrix_once_per_version")]


class OptimisationRun(models.Model):
    """A planner's request and the optimiser's proposal, until she accepts or discards it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Proposal ready")
        FAILED = "failed", _("Failed")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")
        RESTORED = "restored", _("Undone (previous routes restored)")

    class Method(models.TextChoices):
        NETWORK = "network", _("Along the streets")
        GEODESIC = "geodesic", _("Straight line x detour factor (no street network)")

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="optimisation_runs", verbose_name=_("municipality")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(_("parameters"), default=dict)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=4)
    method = models.CharField(_("distances"), max_length=10, choices=Method.choices, blank=True)
    proposal = models.JSONField(_("proposed routes"), default=dict, blank=True)
    current = models.JSONField(_("current routes on the same matrix"), default=dict, blank=True)
    replaced = models.JSONField(_("routes replaced on acceptance"), default=list, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("optimisation run")
        verbose_name_plural = _("optimisation runs")

    def __str__(self) -> str:
        return f"{self.municipality} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class FillReading(models.Model):
    """How full a container was found (a sensor, or the crew's report): the planner loads the truck with the
    container's litres times the latest fresh reading, or times the run's default fill without one."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+", verbose_name=_("municipality"))
    container = models.ForeignKey(
        "layers.ServicePoint", models.CASCADE, related_name="fill_readings", verbose_name=_("container")
    )
    percent = models.PositiveSmallIntegerField(_("fill level (%)"), validators=[MaxValueValidator(100)])
    read_at = models.DateTimeField(_("read at"))
    source = models.CharField(_("source"), max_length=50, blank=True)

    class Meta:
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["container", "-read_at"])]
        verbose_name = _("fill reading")
        verbose_name_plural = _("fill readings")

    def __str__(self) -> str:
        return f"{self.container_id} {self.percent} % {self.read_at:%Y-%m-%d %H:%M}"
