"""A geometry's change on its history page: before and after as two small maps, not truncated WKT."""

import base64
import re

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import translation

from tests.conftest import square


def _pictures(html: str) -> list[str]:
    start = html.index('<table id="change-history"')
    table = html[start : html.index("</table>", start)]
    assert "POINT (" not in table and "POLYGON" not in table  # no WKT
    return [base64.b64decode(data).decode() for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', table)]


@pytest.mark.parametrize(("language", "before", "after"), [("fr", "Avant", "Après"), ("ar", "قبل", "بعد")])
def test_a_moved_service_point_shows_before_and_after(client, tozeur, planner_tozeur, language, before, after):
    point = tozeur.container
    point.location = Point(point.location.x + 0.002, point.location.y, srid=4326)
    point.save()
    client.force_login(planner_tozeur)
    with translation.override(language):
        url = reverse("admin:layers_servicepoint_history", args=[point.pk])
    html = client.get(url).content.decode()
    old, new = _pictures(html)
    assert f"<title>{before}</title>" in old and f"<title>{after}</title>" in new
    assert f"<figcaption>{before}</figcaption>" in html
    # The same frame: the point moved about 185 m east, i.e. to the right in the picture.
    x_old = float(re.search(r'<circle r="6" cx="([\d.]+)"', old).group(1))
    circles = re.findall(r'<circle r="6" cx="([\d.]+)"', new)
    assert len(circles) == 2 and float(circles[0]) == x_old  # the old place, faint, under the new one
    assert float(circles[1]) > x_old + 5
    assert all(0 <= float(x) <= 340 for x in circles)


def test_a_redrawn_district_boundary_shows_both_outlines(client, tozeur, planner_tozeur):
    district = tozeur.district
    district.boundary = square(district.boundary.centroid.x + 0.003, district.boundary.centroid.y, half=0.012)
    district.save()
    client.force_login(planner_tozeur)
    html = client.get(reverse("admin:layers_district_history", args=[district.pk])).content.decode()
    old, new = _pictures(html)
    assert old.count('<path d="M') >= 1 and 'style="fill:#7a8a94' in old
    assert 'style="fill:none;stroke:#5f6b73' in new and 'style="fill:#c0392b' in new
