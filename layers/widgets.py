"""The planners' map widget: Django's OpenLayers widget, served locally, basemap from settings."""

from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import OpenLayersWidget


class MunicipalMapWidget(OpenLayersWidget):
    template_name = "layers/map_widget.html"
    map_width = "100%"

    class Media:
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "layers/map_widget.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        lon, lat = settings.MAP_DEFAULT_CENTER
        context.update(
            basemap_url=settings.BASEMAP_TILE_URL,
            basemap_attribution=settings.BASEMAP_ATTRIBUTION,
            default_lon=lon,
            default_lat=lat,
        )
        return context
