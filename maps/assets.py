"""Every Leaflet/Folium asset from the portal's own static files, never a CDN.

Folium's elements name their JS/CSS links (`default_js`, `default_css`); `use_local_assets` swaps the CDN
URLs of one map's elements for local static URLs (per instance, folium's class lists stay untouched), and
`inline_assets` turns those links into inline <script>/<style> for the offline export.
"""

import base64
import mimetypes
import re
from pathlib import Path

from branca.element import Element
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from folium.elements import JSCSSMixin

# folium link name -> static path (gisportal/static/vendor/, see its README.md for versions).
LOCAL_ASSETS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "awesome_markers": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.min.js",
    "awesome_markers_css": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css",
    "awesome_markers_font_css": "maps/icons/icons.css",  # only the glyphs the maps draw (maps/icons.py)
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
    "vectorGrid": "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    "gisportal_maps": "maps/maps.js",
    "gisportal_basemap": "maps/basemap.js",
    "gisportal_maps_css": "maps/maps.css",
}
# What folium asks for that these maps never use: left out, so no page carries their weight.
UNUSED = {"jquery", "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_rotate_css"}


class UnknownAsset(LookupError):
    """A folium element wants an asset nobody vendored: it would come from a CDN."""


def _local(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    local: list[tuple[str, str]] = []
    for name, url in links:
        if name in UNUSED:
            continue
        if name not in LOCAL_ASSETS:
            raise UnknownAsset(f"{name} ({url}) is not vendored under gisportal/static/vendor/")
        local.append((name, static(LOCAL_ASSETS[name])))
    return local


def use_local_assets(element: Element) -> None:
    """Point the links of `element` and of everything inside it at the portal's static files."""
    if isinstance(element, JSCSSMixin):
        # Instance attributes: folium's class-level lists (shared by every map) stay as they are.
        element.default_js = _local(element.default_js)
        element.default_css = _local(element.default_css)
    for child in element._children.values():
        use_local_assets(child)


_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<url>[^)'\"]+)(?P=quote)\)")
# The TrueType fallbacks after each woff2 font: every browser that runs Leaflet reads woff2.
_TTF_FALLBACK = re.compile(r',\s*url\([^)]*\.ttf\)\s*format\(["\']truetype["\']\)')


def _static_file(url: str) -> Path:
    prefix = static("")
    if not url.startswith(prefix):
        raise UnknownAsset(f"{url} is not one of the portal's static files")
    found = finders.find(url.removeprefix(prefix))
    if not found:
        raise UnknownAsset(f"{url} is missing from the static files")
    return Path(found if isinstance(found, str) else found[0])


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or (
        "font/woff2" if path.suffix == ".woff2" else "application/octet-stream"
    )
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    css = _TTF_FALLBACK.sub("", path.read_text(encoding="utf-8"))

    def embed(match: re.Match[str]) -> str:
        url = match["url"]
        if url.startswith("data:"):
            return match[0]
        target = (path.parent / url.split("?")[0].split("#")[0]).resolve()
        return f'url("{_data_uri(target)}")' if target.is_file() else match[0]

    return _CSS_URL.sub(embed, css)


def inline_assets(html: str) -> str:
    """A page whose static scripts and stylesheets (with their images and fonts) are written into it."""
    html = _SCRIPT.sub(
        lambda m: (
            "<script>"
            + _static_file(m["url"]).read_text(encoding="utf-8").replace("</script", "<\\/script")
            + "</script>"
        ),
        html,
    )
    return _STYLESHEET.sub(lambda m: "<style>" + _inline_css(_static_file(m["url"])) + "</style>", html)
