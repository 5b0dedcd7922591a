from layers import selectors


def test_frame_fixture_routes_points(tozeur, beja):
    assert selectors.municipality_at(tozeur.container.location) == tozeur.municipality
