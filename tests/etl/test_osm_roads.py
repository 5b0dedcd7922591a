"""OpenStreetMap roads into the road network table, through the pipeline and the osm-roads spec."""

from pathlib import Path

from etl.models import RoadSegment
from etl.pipeline import import_file
from tests.etl.conftest import LAT, LON


def osm_file(path: Path) -> Path:
    nodes = [
        (1, LON - 0.01, LAT),
        (2, LON, LAT),
        (3, LON + 0.01, LAT),
        (4, LON, LAT + 0.01),
        (5, LON + 0.005, LAT - 0.01),
    ]
    ways = [
        (10, [1, 2, 3], {"highway": "primary", "name": "Avenue  Habib Bourguiba", "oneway": "yes", "maxspeed": "50"}),
        (11, [2, 4], {"highway": "residential", "name": "نهج الكرم"}),
        (12, [3, 5], {"waterway": "canal"}),  # not a road
    ]
    xml = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    xml += [f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>' for i, lon, lat in nodes]
    for way_id, refs, tags in ways:
        xml.append(f'<way id="{way_id}" version="1">')
        xml += [f'<nd ref="{ref}"/>' for ref in refs]
        xml += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        xml.append("</way>")
    xml.append("</osm>")
    path.write_text("\n".join(xml), encoding="utf-8")
    return path


def test_highways_become_road_segments(tozeur, tmp_path):
    path = osm_file(tmp_path / "tozeur.osm")
    summary = import_file(path, layer="roads", mapping="osm-roads", report=tmp_path / "r.csv")
    assert (summary.read, summary.imported, summary.rejected) == (2, 2, 0)
    avenue = RoadSegment.objects.get(osm_id=10)
    assert (avenue.name, avenue.highway, avenue.oneway, avenue.maxspeed) == (
        "Avenue Habib Bourguiba",
        "primary",
        True,
        50,
    )
    assert avenue.municipality == tozeur.municipality and avenue.path.num_points == 3
    street = RoadSegment.objects.get(osm_id=11)
    assert (street.oneway, street.maxspeed, street.name) == (False, None, "نهج الكرم")
    again = import_file(path, layer="roads", mapping="osm-roads", report=tmp_path / "r.csv")
    assert (again.imported, again.unchanged) == (0, 2)
