"""The network built from roads imported from an OpenStreetMap file by the ETL, and kept until they change."""

from etl.models import RoadSegment
from etl.pipeline import import_file
from gisportal.routing import network
from gisportal.routing.models import RoadEdge
from tests.etl.test_osm_roads import osm_file


def test_imported_osm_roads_become_a_directed_graph_rebuilt_only_when_they_change(tozeur, tmp_path):
    path = osm_file(tmp_path / "tozeur.osm")
    import_file(path, layer="roads", mapping="osm-roads", report=tmp_path / "r.csv")
    built = network.ensure_network(tozeur.municipality)
    # The one-way avenue 1-2-3 is cut at node 2, where the street 2-4 leaves it.
    assert (built.nodes, built.edges) == (4, 3)
    assert not built.synthetic
    one_way = RoadEdge.objects.filter(network=built, segment__osm_id=10)
    assert one_way.count() == 2 and all(edge.reverse_cost_s == -1 for edge in one_way)
    # Primary road at 45 km/h (its 50 km/h limit is higher): about 925 m in 74 s.
    first = one_way.order_by("id").first()
    assert abs(first.cost_s - first.length_m / (45 / 3.6)) < 0.01
    # Node 1 can only be left and node 3 only reached: the main part is the two-way street 2-4.
    assert (built.components, built.island_edges) == (3, 2)

    import_file(path, layer="roads", mapping="osm-roads", report=tmp_path / "r.csv")  # unchanged
    assert network.ensure_network(tozeur.municipality).version == built.version
    RoadSegment.objects.filter(osm_id=10).update(oneway=False)
    rebuilt = network.ensure_network(tozeur.municipality)
    assert rebuilt.version == built.version + 1 and (rebuilt.components, rebuilt.island_edges) == (1, 0)
