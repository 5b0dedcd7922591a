"""Rasters and their zonal statistics, read-only: they come from `gisportal import-raster`."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from etl.models import RasterLayer, ZonalStatistic


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(RasterLayer)
class RasterLayerAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "crs", "width", "height", "resolution_x", "nodata", "imported_at")
    list_filter = ("kind",)
    exclude = ("footprint",)


@admin.register(ZonalStatistic)
class ZonalStatisticAdmin(ReadOnlyAdmin):
    list_display = ("raster", "zone", "feature_id", "total", "mean", "minimum", "maximum", "cells")
    list_filter = ("raster", "zone")
