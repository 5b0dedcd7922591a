"""Reads: the participant of this browser, the groups she may declare, and the map she finds her district on."""

import math
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection
from django.http import HttpRequest

from gisportal.participants.models import Participant
from layers.models import District, Municipality
from maps import picture
from maps.basemap import DISTRICTS_FROM

SESSION_KEY = "participant_id"


def current_participant(request: HttpRequest) -> Participant | None:
    """The participant whose contact this browser verified, if any."""
    participant_id = request.session.get(SESSION_KEY)
    if participant_id is None:
        return None
    return Participant.objects.select_related("district__municipality").filter(pk=participant_id).first()


def districts_to_choose() -> list[District]:
    """Every district a participant may say she lives in, grouped by municipality for the form."""
    return list(District.objects.select_related("municipality").order_by("municipality__name_fr", "name"))


def municipalities_with_districts() -> list[Municipality]:
    return list(Municipality.objects.filter(districts__isnull=False).distinct().order_by("name_fr"))


@dataclass(frozen=True)
class DistrictMap:
    """The clickable picture of a municipality's districts (its outlines drawn from DISTRICTS_FROM)."""

    municipality: Municipality
    view: picture.Picture


def district_map(municipality: Municipality) -> DistrictMap:
    """Centred on her municipality's districts, at the closest zoom that shows them all in the picture."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), ST_X(c), ST_Y(c)
                 FROM (SELECT ST_Extent(ST_Transform(boundary, 3857)) AS e,
                              ST_Transform(ST_SetSRID(ST_Centroid(ST_Extent(ST_Transform(boundary, 3857))), 3857),
                                           4326) AS c
                         FROM layers_district WHERE municipality_id = %s) d""",
            [municipality.pk],
        )
        west, south, east, north, lon, lat = cursor.fetchone()
    width, height = picture.SIZES["choose"]
    metres_per_pixel = max((east - west) / width, (north - south) / height, 1) * 1.1  # a margin round the outlines
    fitting = math.floor(math.log2(2 * math.pi * picture.EARTH / (256 * metres_per_pixel)))
    zoom = min(max(fitting, DISTRICTS_FROM), 16)
    return DistrictMap(municipality, picture.at(lon, lat, zoom, "choose"))


def district_at(municipality: Municipality, lon: float, lat: float) -> District | None:
    """Her municipality's district under a tap on the map, if the tap is inside one."""
    return District.objects.filter(municipality=municipality, boundary__covers=Point(lon, lat, srid=4326)).first()
