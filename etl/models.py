"""What the ETL app keeps: registered rasters and the zonal statistics computed from them."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from layers.models import SRID


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
