"""A change of geometry as staff read it: two small pictures, before and after, on the portal's basemap.

The geometries are drawn by PostGIS (ST_AsSVG in the picture's Web Mercator pixels, like maps.picture),
both pictures framed on the same extent so that the move shows; the old shape stays faint under the new one.
"""

import base64
import math

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maps import picture

SIZE = "show"
MARGIN = 1.4  # the frame around both shapes, as a share of their extent
BEFORE = "fill:#7a8a94;fill-opacity:.25;stroke:#5f6b73;stroke-width:2"
FAINT = "fill:none;stroke:#5f6b73;stroke-width:1.5;stroke-dasharray:4 3;opacity:.8"
AFTER = "fill:#c0392b;fill-opacity:.25;stroke:#c0392b;stroke-width:2.5"


def _frame(shapes: list[GEOSGeometry]) -> picture.Picture:
    """The picture (centre and zoom) that holds every shape, in Web Mercator."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
                 FROM (SELECT ST_Extent(ST_Transform(ST_GeomFromEWKB(g), 3857))::geometry AS e
                         FROM unnest(%s::bytea[]) AS g) t""",
            [[bytes(shape.ewkb) for shape in shapes]],
        )
        west, south, east, north = cursor.fetchone()
    width, height = picture.SIZES[SIZE]
    span = max((east - west) / width, (north - south) / height, 1e-9) * MARGIN
    zoom = math.floor(math.log2(2 * math.pi * picture.EARTH / (256 * span)))
    zoom = max(picture.MIN_ZOOM, min(picture.MAX_ZOOM - 1, zoom))
    lon = math.degrees((west + east) / 2 / picture.EARTH)
    lat = math.degrees(2 * math.atan(math.exp((south + north) / 2 / picture.EARTH)) - math.pi / 2)
    return picture.at(lon, lat, zoom, SIZE)


def _shapes_svg(view: picture.Picture, shape: GEOSGeometry, style: str) -> str:
    """A shape as SVG elements in the picture's pixels: paths for lines and areas, circles for points."""
    cx, cy = view.centre
    west, north = cx - view.width / 2 * view.resolution, cy + view.height / 2 * view.resolution
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH parts AS (
                   SELECT ST_Affine(ST_Transform((ST_Dump(ST_GeomFromEWKB(%(g)s))).geom, 3857),
                                    1 / %(res)s, 0, 0, 1 / %(res)s, -%(west)s / %(res)s, -%(north)s / %(res)s) AS p)
               SELECT CASE WHEN GeometryType(p) = 'POINT' THEN format('<circle r="6" cx="%%s" cy="%%s"',
                                round(ST_X(p)::numeric, 1), round(-ST_Y(p)::numeric, 1))
                           ELSE format('<path d="%%s"', ST_AsSVG(p, 0, 1)) END
                 FROM parts""",
            {"g": bytes(shape.ewkb), "res": view.resolution, "west": west, "north": north},
        )
        return "".join(f'{element} style="{style}"/>' for (element,) in cursor.fetchall())


def _image(view: picture.Picture, layers: list[tuple[GEOSGeometry, str]], title: str) -> SafeString:
    document = picture.svg(view, arabic=get_language() == "ar", pin=False, title=title)
    drawn = "".join(_shapes_svg(view, shape, style) for shape, style in layers)
    document = document.replace("</svg>", f"{drawn}</svg>")
    # An image, not inline SVG: the picture's own styles stay inside it.
    source = "data:image/svg+xml;base64," + base64.b64encode(document.encode()).decode()
    return format_html(
        '<figure class="geometry-change"><img src="{}" width="{}" height="{}" alt="{}">'
        "<figcaption>{}</figcaption></figure>",
        source,
        view.width,
        view.height,
        title,
        title,
    )


def before_and_after(old: GEOSGeometry | None, new: GEOSGeometry | None) -> tuple[SafeString, SafeString]:
    """The old and the new geometry as two pictures framed alike ("—" for a geometry that was not there)."""
    shapes = [shape for shape in (old, new) if shape is not None and not shape.empty]
    if not shapes:
        return SafeString("—"), SafeString("—")
    view = _frame(shapes)
    before = _image(view, [(old, BEFORE)], _("Before")) if old is not None and not old.empty else SafeString("—")
    after_layers = [(old, FAINT)] if old is not None and not old.empty else []
    after = _image(view, [*after_layers, (new, AFTER)], _("After")) if new is not None and not new.empty else None
    return before, after if after is not None else SafeString("—")
