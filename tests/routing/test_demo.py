"""The pilots' synthetic streets: clipped to the boundary, joining the containers, marked synthetic, reproducible."""

from django.db import connection

from gisportal.routing import demo, network
from gisportal.routing.models import RoadNetwork
from tests.conftest import Town


def test_seeded_streets_join_the_containers_and_are_marked_synthetic(tozeur: Town):
    built = demo.seed_streets(tozeur.municipality, seed=7)
    assert built.synthetic and built.synthetic_seed == 7
    assert built.edges > 500 and built.island_edges < built.edges / 10
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT bool_and(ST_CoveredBy(path, ST_Buffer(m.boundary, 1e-6))), bool_and(osm_id IS NULL),
                      bool_and(name LIKE '%%synthétique%%')
                 FROM etl_roadsegment r JOIN layers_municipality m ON m.id = r.municipality_id WHERE m.id = %s""",
            [tozeur.municipality.pk],
        )
        assert cursor.fetchone() == (True, True, True)
    c = tozeur.container.location
    (snap,) = network.snap_points(built, [(1, c.x, c.y)])
    assert snap.distance_m is not None and snap.distance_m < 1  # its service lane starts at the container

    def streets() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, highway, oneway, ST_AsText(path) FROM etl_roadsegment ORDER BY name, 4")
            return cursor.fetchall()

    first = streets()
    demo.seed_streets(tozeur.municipality, seed=7)
    assert streets() == first  # same seed, same streets
    assert RoadNetwork.objects.get().edges == built.edges
