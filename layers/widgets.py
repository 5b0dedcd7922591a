"""The planners' map widget: Django's OpenLayers widget, served locally, on the basemap from settings or else
the portal's own basemap tiles, and the portal's own layers drawn under the edited feature (from the staff
vector tiles, scoped like every read)."""

from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget
from django.urls import reverse
from django.utils.translation import get_language

# What a planner needs to see while drawing: where the municipality ends, its districts, what is already there.
REFERENCE_LAYERS = ("municipalities", "districts", "service-points")


class MunicipalMapWidget(OSMWidget):
    template_name = "layers/map_widget.html"
    default_lon, default_lat = settings.MAP_DEFAULT_CENTER  # type: ignore[assignment]
    default_zoom = 7

    class Media:
        extend = False  # replace Django's CDN links to OpenLayers, do not add to them
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "layers/map_widget.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "layers/map_widget.js")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context.update(basemap_url=settings.BASEMAP_TILE_URL, basemap_attribution=settings.BASEMAP_ATTRIBUTION)
        # Without an outside basemap: the portal's own tiles, the citizen maps' (names in the page's language).
        context["portal_basemap_url"] = reverse("basemap", args=[0, 0, 0]).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
        context["basemap_language"] = get_language()
        context["reference_tiles"] = {
            layer: reverse("vector-tile", args=[layer, 0, 0, 0]).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
            for layer in REFERENCE_LAYERS
        }
        return context
