"""What the ETL app keeps: registered rasters and the zonal statistics computed from them."""

from pathlib import Path
from typing import Any

from django.contrib.gis.db import models
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gisportal.paths import VAR_DIR
from layers.models import SRID
from layers.rules import unique_where_given

# Uploads and their reports hold whatever the office sent: never under the public MEDIA_URL.
PRIVATE_FILES = FileSystemStorage(location=VAR_DIR / "private")


def private_files() -> FileSystemStorage:
    # A callable, so that migrations record its name rather than this checkout's path.
    return PRIVATE_FILES


class RasterLayer(models.Model):
    """A raster file stored under MEDIA_ROOT/rasters, with what GDAL says about it."""

    class Kind(models.TextChoices):
        POPULATION = "population", _("Population (persons per cell)")
        POPULATION_DENSITY = "population_density", _("Population density (persons per km²)")
        ELEVATION = "elevation", _("Elevation (metres)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="rasters/")
    crs = models.TextField(_("coordinate reference system"))
    width = models.PositiveIntegerField(_("width (cells)"))
    height = models.PositiveIntegerField(_("height (cells)"))
    resolution_x = models.FloatField(_("cell width (CRS units)"))
    resolution_y = models.FloatField(_("cell height (CRS units)"))
    nodata = models.FloatField(_("no-data value"), null=True, blank=True)
    bands = models.PositiveSmallIntegerField(_("bands"), default=1)
    dtype = models.CharField(_("cell type"), max_length=16)
    # The raster's footprint in EPSG:4326, for finding the rasters that cover a place.
    footprint = models.PolygonField(_("footprint"), srid=SRID)
    source = models.TextField(_("source and licence"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("raster layer")
        verbose_name_plural = _("raster layers")

    def __str__(self) -> str:
        return self.name


class ZonalStatistic(models.Model):
    """A raster summarised over one feature of a layer, cells weighted by the share the feature covers."""

    class Zone(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        DISTRICT = "district", _("District")
        GOVERNORATE = "governorate", _("Governorate")
        DELEGATION = "delegation", _("Delegation")
        SERVICE_CATCHMENT = "service_catchment", _("Service point catchment")

    raster = models.ForeignKey(RasterLayer, models.CASCADE, related_name="statistics", verbose_name=_("raster"))
    zone = models.CharField(_("zone layer"), max_length=20, choices=Zone.choices)
    feature_id = models.BigIntegerField(_("feature"))
    total = models.FloatField(_("sum"), null=True)
    mean = models.FloatField(_("mean"), null=True)
    minimum = models.FloatField(_("minimum"), null=True)
    maximum = models.FloatField(_("maximum"), null=True)
    cells = models.FloatField(_("covered cells"), help_text=_("Sum of the coverage fractions of the cells"))

    class Meta:
        ordering = ["raster", "zone", "feature_id"]
        verbose_name = _("zonal statistic")
        verbose_name_plural = _("zonal statistics")
        constraints = [
            models.UniqueConstraint(fields=["raster", "zone", "feature_id"], name="zonal_statistic_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.raster} / {self.zone} {self.feature_id}"


class ImportJob(models.Model):
    """A file a planner uploaded, imported by a background job whose progress the upload page shows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    class Phase(models.TextChoices):
        """What a running import is doing: its bar shows the rows read, then the steps after the last row."""

        READING = "reading", _("reading the file")
        CHECKING = "checking", _("checking the rows")
        WRITING = "writing", _("writing the layer")
        INDEXING = "indexing", _("rebuilding the layer's indexes")

    user = models.ForeignKey("auth.User", models.CASCADE, related_name="import_jobs", verbose_name=_("user"))
    layer = models.CharField(_("layer"), max_length=24)
    municipality = models.ForeignKey(
        "layers.Municipality", models.CASCADE, null=True, blank=True, verbose_name=_("municipality")
    )
    mapping = models.CharField(_("mapping spec"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="imports/", storage=private_files)
    # As the planner named it: the stored file may be renamed, and its folder is nobody's business.
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("step"), max_length=8, choices=Phase.choices, blank=True)
    done = models.PositiveIntegerField(_("features read"), default=0)
    total = models.PositiveIntegerField(_("features in the file"), default=0)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    report = models.FileField(_("report of rows not imported"), upload_to="imports/", storage=private_files, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.layer}"

    @property
    def file_name(self) -> str:
        return self.original_name or Path(self.file.name or "").name

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)


class RoadSegment(models.Model):
    """A street or road from OpenStreetMap: the network routing will run on."""

    municipality = models.ForeignKey(
        "layers.Municipality", models.CASCADE, related_name="road_segments", verbose_name=_("municipality")
    )
    osm_id = models.BigIntegerField(_("OpenStreetMap way"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    highway = models.CharField(_("road class"), max_length=40, help_text=_("OpenStreetMap highway=*"))
    oneway = models.BooleanField(_("one way"), default=False)
    maxspeed = models.PositiveSmallIntegerField(_("speed limit (km/h)"), null=True, blank=True)
    path = models.MultiLineStringField(_("path"), srid=SRID)

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("road segment")
        verbose_name_plural = _("road segments")
        constraints = [
            unique_where_given(
                "osm_id", "etl_roadsegment_osm_id_key", _("Another road segment is this OpenStreetMap way.")
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.highway} {self.osm_id}"


class DataVersion(models.Model):
    """How many times a public table has changed, and when last: kept by a trigger on the table itself,
    so that every writer (the admin, the API, an import, psql) moves it and open data files are rebuilt."""

    table_name = models.CharField(max_length=63, primary_key=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("data version")


class IdRanges(models.Field):
    """Feature ids as a PostgreSQL int8multirange: a million ids imported in one block are one range."""

    description = _("ranges of ids")

    def db_type(self, connection: object) -> str:
        return "int8multirange"

    def from_db_value(self, value: Any, expression: object, connection: object) -> list[tuple[int, int]] | None:
        """[(first, past the last), …] (psycopg reads a multirange as ranges, normalised half-open)."""
        return None if value is None else [(r.lower, r.upper) for r in value]

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return "{" + ",".join(f"[{low},{high})" for low, high in value) + "}"


class ImportRecord(models.Model):
    """One import, recorded once: who, when, which file, its summary, the ids it inserted and, apart, every row it
    updated as it was before. It is the first version of the features it inserted, and what its undo needs."""

    job = models.OneToOneField(
        ImportJob, models.SET_NULL, null=True, blank=True, related_name="record", verbose_name=_("upload")
    )
    user = models.ForeignKey(
        "auth.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )
    layer = models.CharField(_("layer"), max_length=24)
    table_name = models.CharField(_("table"), max_length=63)
    file_name = models.CharField(_("file name"), max_length=255)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    inserted = IdRanges(_("ids inserted"), default=list)
    inserted_count = models.PositiveIntegerField(_("rows inserted"), default=0)
    updated_count = models.PositiveIntegerField(_("rows updated"), default=0)
    # The transaction id (xmin) the rows it wrote carry until someone edits them: how "edited since" is told.
    writer_xid = models.BigIntegerField(_("writing transaction"), null=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("undone by")
    )
    # The undo's transaction id: a row it restored carries it, and is an earlier import's row again.
    undone_xid = models.BigIntegerField(_("undoing transaction"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        indexes = [models.Index(fields=["table_name", "writer_xid"], name="etl_import_writer")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.layer} ({self.created_at:%Y-%m-%d %H:%M})"


class ImportedRowBefore(models.Model):
    """A row an import updated, as it was before (its columns as JSON, geometries as hex EWKB): what undo restores."""

    record = models.ForeignKey(ImportRecord, models.CASCADE, related_name="previous", verbose_name=_("import"))
    feature_id = models.BigIntegerField(_("feature"))
    state = models.JSONField(_("state before the import"))
    # The transaction that had written that state (its xmin): an undo gives the row back to it.
    previous_xid = models.BigIntegerField(_("transaction of that state"), null=True)

    class Meta:
        verbose_name = _("row before an import")
        constraints = [models.UniqueConstraint(fields=["record", "feature_id"], name="etl_imported_row_before_once")]
