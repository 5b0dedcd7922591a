"""A hand-drawn street network in Tozeur's test square, with one one-way street, a dead-end entry and an island.

    N (8.13, 33.93)
    |
A ->- C ->- E        A→C→E is one way (west to east); C-N, S-C and E-S (via the corner 8.14, 33.91) two-way.
    |       |
    S ----- +        island: a short street far off, not joined to anything.
"""

from django.contrib.gis.geos import LineString, MultiLineString

from etl.models import RoadSegment
from layers.models import Municipality

A, C, E = (8.12, 33.92), (8.13, 33.92), (8.14, 33.92)
N, S, CORNER = (8.13, 33.93), (8.13, 33.91), (8.14, 33.91)
ISLAND = ((8.145, 33.935), (8.146, 33.935))


def road(municipality: Municipality, name: str, *points: tuple[float, float], oneway: bool = False) -> RoadSegment:
    return RoadSegment.objects.create(
        municipality=municipality,
        name=name,
        highway="residential",
        oneway=oneway,
        path=MultiLineString(LineString(*points, srid=4326), srid=4326),
    )


def draw(municipality: Municipality) -> dict[str, RoadSegment]:
    return {
        "avenue": road(municipality, "Avenue", A, C, E, oneway=True),
        "north_south": road(municipality, "Rue Nord-Sud", S, C, N),
        "loop": road(municipality, "Rue de la boucle", E, CORNER, S),
        "island": road(municipality, "Impasse isolée", *ISLAND),
    }
