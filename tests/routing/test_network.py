"""The routing graph built in PostGIS/pgRouting from road segments: nodes, one-way edges, islands, snapping,
the travel matrix and its cache, and the labelled fallback."""

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import LineString, MultiLineString, Point

from gisportal.routing import network
from gisportal.routing.models import RoadEdge, RoadNode, TravelMatrix
from tests.conftest import Town
from tests.routing import streets


def node_at(net, lon: float, lat: float) -> int:
    here = Point(lon, lat, srid=4326)
    nearest = RoadNode.objects.filter(network=net).annotate(d=Distance("location", here)).order_by("d").first()
    assert nearest is not None
    return nearest.pk


@pytest.fixture
def drawn(tozeur: Town):
    segments = streets.draw(tozeur.municipality)
    return network.ensure_network(tozeur.municipality), segments


def test_segments_are_cut_at_intersections_and_islands_reported(drawn):
    net, _ = drawn
    # A, C, E, N, S and the island's two ends; the loop's corner joins nothing and is no node.
    assert net.nodes == 7
    # A-C, C-E, S-C, C-N, E-S and the island.
    assert net.edges == 6
    # The main part {C, E, N, S}; A (one way out, no way back) and the island are apart.
    assert net.components == 3
    assert net.island_edges == 2
    assert RoadEdge.objects.filter(network=net, routable=True).count() == 4


def test_one_way_streets_are_directed_edges(drawn):
    net, _ = drawn
    c, e = node_at(net, *streets.C), node_at(net, *streets.E)
    matrix = network.travel_matrix(net, [c, e])
    east, west = matrix.distances[0][1], matrix.distances[1][0]
    assert east == pytest.approx(925, rel=0.01)  # straight along the avenue
    assert west == pytest.approx(925 + 1110 + 1110, rel=0.01)  # round by the corner and S
    # Time = length / the residential speed (25 km/h).
    assert matrix.durations[0][1] == pytest.approx(east / (25 / 3.6), rel=0.01)


def test_containers_snap_to_the_nearest_routable_edge_with_the_distance(drawn):
    net, _ = drawn
    near_avenue, near_dead_end = network.snap_points(net, [(1, 8.1348, 33.9203), (2, 8.1205, 33.9201)])
    assert near_avenue.node_id == node_at(net, *streets.C)
    assert near_avenue.distance_m == pytest.approx(33.3, abs=1)
    # A-C cannot be left in a truck that must come back: the point goes to the next routable street.
    assert near_dead_end.distance_m > 800
    assert RoadNode.objects.get(pk=near_dead_end.node_id).routable


def test_matrix_cached_per_network_version_and_rebuilt_when_roads_change(drawn):
    net, segments = drawn
    nodes = [node_at(net, *streets.C), node_at(net, *streets.N), node_at(net, *streets.S)]
    network.travel_matrix(net, nodes)
    network.travel_matrix(net, list(reversed(nodes)))
    assert TravelMatrix.objects.filter(network=net).count() == 1
    assert network.ensure_network(net.municipality).version == net.version  # unchanged roads: no rebuild
    island = segments["island"]
    island.path = MultiLineString(LineString(streets.N, (8.13, 33.94), srid=4326), srid=4326)
    island.save()
    rebuilt = network.ensure_network(net.municipality)
    assert rebuilt.version == net.version + 1
    assert rebuilt.island_edges == 1  # the old island now hangs off N, two-way: only A-C is left out
    network.travel_matrix(rebuilt, [node_at(rebuilt, *streets.C), node_at(rebuilt, *streets.N)])
    assert TravelMatrix.objects.filter(network=rebuilt, version=rebuilt.version).count() == 1


def test_geodesic_fallback_is_the_sphere_distance_times_the_detour_factor():
    durations, distances = network.geodesic_matrix([streets.C, streets.E])
    assert distances[0][1] == pytest.approx(925 * 1.35, rel=0.01)
    assert durations[0][1] == pytest.approx(distances[0][1] / (20 / 3.6))


def test_route_geometry_follows_the_streets(drawn):
    net, _ = drawn
    c, e = node_at(net, *streets.C), node_at(net, *streets.E)
    geojson = network.path_between(net, [(e, c)])
    assert '"MultiLineString"' in geojson and "8.14,33.91" in geojson  # by the corner: the avenue is one way
