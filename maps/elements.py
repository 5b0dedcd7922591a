"""Folium elements of the citizen maps, drawn by maps/static/maps/maps.js."""

from collections.abc import Sequence

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from folium.utilities import JsCode

# Names resolved to static files by maps.assets.use_local_assets.
MAPS_JS = [("gisportal_maps", "maps/maps.js")]
MAPS_CSS = [("gisportal_maps_css", "maps/maps.css")]


class ComplaintsLayer(JSCSSMixin, Layer):
    """Complaints read by view from `url` (or, in an offline export, the GeoJSON `data`): never embedded whole."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.gisportalComplaints({{ this.options|tojavascript }});
        {% endmacro %}
        """
    )
    default_css = [
        ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
        *MAPS_CSS,
    ]

    def __init__(
        self,
        *,
        name: str,
        state: str,
        mode: str,
        labels: JsCode,
        color: str,
        url: str | None = None,
        data: JsCode | None = None,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, show=show)
        self._name = "GisportalComplaints"
        self.options = {"url": url, "data": data, "state": state, "mode": mode, "labels": labels, "color": color}
        self.default_js = [*MAPS_JS, ("leaflet-heat.js", "leaflet.heat")] if mode == "heat" else MAPS_JS


class LookupControl(JSCSSMixin, MacroElement):
    """Tap the map or ask for your position: the nearest service and the collection days there."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control.gisportalLookup({{ this.options|tojavascript }})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    default_js = MAPS_JS
    default_css = MAPS_CSS

    def __init__(
        self,
        *,
        labels: dict[str, str],
        service_url: str | None = None,
        collection_url: str | None = None,
        places_url: str | None = None,
        offline: bool = False,
        kinds: list[list[str]] | None = None,
        far_route_m: int = 300,
    ) -> None:
        super().__init__()
        self._name = "GisportalLookup"
        self.options = {
            "serviceUrl": service_url,
            "collectionUrl": collection_url,
            "placesUrl": places_url,
            "offline": offline,
            "kinds": kinds or [],  # [kind, label]: what she may choose to look for
            "farRouteM": far_route_m,
            "labels": labels,
        }


class Basemap(JSCSSMixin, MacroElement):
    """The portal's own vector basemap (maps/basemap.py) under the layers, names in the page's language."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.gisportalBasemap({{ this.url|tojson }}, {{ this.options|tojavascript }})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    # VectorGrid first: basemap.js extends it as it loads.
    default_js = [("vectorGrid", "leaflet.vectorgrid"), ("gisportal_basemap", "maps/basemap.js")]

    def __init__(self, url: str, *, language: str, attribution: str) -> None:
        super().__init__()
        self._name = "GisportalBasemap"
        self.url = url
        self.options = {"language": language, "attribution": attribution}


class Legend(JSCSSMixin, MacroElement):
    """A legend box whose (escaped, translated) HTML the builders write."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control.gisportalLegend({{ this.options|tojavascript }})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    default_js = MAPS_JS
    default_css = MAPS_CSS

    def __init__(self, html: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "GisportalLegend"
        self.options = {"html": html, "position": position}


class FeatureDetails(JSCSSMixin, MacroElement):
    """A GeoJson layer's popup (or tooltip): a title, the listed properties that have a value, and a link, as text,
    set by maps.js's gisportalDetails (see `titled` and `linked`).

    Folium's GeoJsonPopup and GeoJsonTooltip write property values into innerHTML: a service point named
    `<img src=x onerror=...>` would run in every visitor's browser. Every map's popups and tooltips come from here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.{{ this.method }}(
                L.gisportalDetails({{ this.options|tojavascript }}), {{ this.leaflet_options|tojavascript }});
        {% endmacro %}
        """
    )
    default_js = MAPS_JS
    default_css = MAPS_CSS

    def __init__(
        self, fields: Sequence[str], aliases: Sequence[str] = (), *, tooltip: bool = False, open_now: Sequence[str] = ()
    ) -> None:
        super().__init__()
        assert not aliases or len(aliases) == len(fields), "one alias per field, or none"
        self._name = "GisportalDetails"
        self.method = "bindTooltip" if tooltip else "bindPopup"
        # Popups show numbers the reader's way (12 345); a tooltip names the feature.
        self.options = {"fields": list(fields), "aliases": [str(a) for a in aliases], "localize": not tooltip}
        if open_now:  # ("Open now", "Closed now"), said from a feature's `week` (maps.opening_hours) when it has one
            self.options["open_now"] = list(open_now)
        # Leaflet's own options (folium camelCases them): a tooltip follows the pointer, as folium's does.
        self.leaflet_options: dict[str, str | bool] = {"class_name": "gisportal-popup"}
        if tooltip:
            self.leaflet_options = {"class_name": "gisportal-tooltip", "sticky": True}
        self.options |= {"title": None, "link": None}

    def titled(self, field: str) -> "FeatureDetails":
        """The property written first, in bold: what the feature is."""
        self.options["title"] = field
        return self

    def linked(self, url: str, field: str, text: str) -> "FeatureDetails":
        """A link below the details: `url` with `{field}` replaced by the feature's value (e.g. /m/{code}/)."""
        self.options["link"] = {"url": url, "field": field, "text": text}
        return self
