"""The map reads on the small known town of the `tozeur` fixture: distances, counts, aggregation, no personal data."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import translation

from etl.models import RoadSegment
from gisportal.complaints.models import Place
from layers.models import ServicePoint
from maps import selectors
from maps.builders import kind_names
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, Town

LON, LAT = TOZEUR_CENTRE
TOZEUR_BBOX = (LON - 0.05, LAT - 0.05, LON + 0.05, LAT + 0.05)


def test_nearest_route_gives_days_window_and_distance(tozeur: Town) -> None:
    # 0.001 degree north of the route, which runs west-east through the centre: about 111 m.
    route = selectors.nearest_route(LON, LAT + 0.001, municipality_id=tozeur.municipality.pk)

    assert route is not None
    assert route["route"] == "Tournée Tozeur"
    assert route["days"] == [1, 3, 5]
    assert (route["starts"], route["ends"]) == ("06:00", "10:00")
    assert route["distance_m"] == pytest.approx(111, abs=1)


def test_nearest_route_is_only_looked_for_in_the_municipality(tozeur: Town, beja: Town) -> None:
    route = selectors.nearest_route(LON, LAT, municipality_id=beja.municipality.pk)

    assert route is not None and route["route"] == "Tournée Béja"
    assert route["distance_m"] > 300_000  # Béja is some 320 km north


def test_nearest_service_is_the_container_with_its_distance(tozeur: Town) -> None:
    # 0.001 degree of longitude at 33.92° N is about 92 m.
    nearest = selectors.nearest_service(LON + 0.001, LAT, kind_names(), municipality_id=tozeur.municipality.pk)

    assert nearest is not None
    assert (nearest["title"], nearest["kind"]) == ("Conteneur Tozeur", "waste_container")
    assert nearest["distance_m"] == pytest.approx(92, abs=1)


def test_nearest_service_is_nearest_on_the_ground_not_in_degrees(beja: Town) -> None:
    # 0.05° east of Béja's centre (36.72° N): a point 0.010° east of it is 893 m away, one 0.009° north 999 m.
    lon, lat = BEJA_CENTRE[0] + 0.05, BEJA_CENTRE[1]
    for name, location in (("Est", Point(lon + 0.01, lat, srid=4326)), ("Nord", Point(lon, lat + 0.009, srid=4326))):
        ServicePoint.objects.create(municipality=beja.municipality, kind="pharmacy", name=name, location=location)

    nearest = selectors.nearest_service(lon, lat, kind_names(), municipality_id=beja.municipality.pk)

    assert nearest is not None
    assert (nearest["title"], nearest["distance_m"]) == ("Est", 893)


def test_few_complaints_come_as_points_without_personal_data(tozeur: Town) -> None:
    collection = json.loads(selectors.complaints_in_view(TOZEUR_BBOX, 14, "open"))

    assert len(collection["features"]) == 1
    feature = collection["features"][0]
    assert feature["geometry"]["coordinates"] == pytest.approx([LON + 0.001, LAT + 0.001])
    assert feature["properties"] == {
        "category": "waste",
        "status": "submitted",
        "day": tozeur.complaint.created_at.strftime("%Y-%m-%d"),
    }
    assert json.loads(selectors.complaints_in_view(TOZEUR_BBOX, 14, "resolved"))["features"] == []


def add_complaints(town: Town, count: int) -> None:
    """`count` open complaints on a 50 x 50 grid of about 50 m around the town centre, in one INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO layers_complaint (tracking_code, municipality_id, category, description, status,
                                             reporter_name, reporter_contact, created_at, updated_at, location)
               SELECT 'T' || lpad(i::text, 9, '0'), %s, 'roads', 'x', 'submitted', '', '', now(), now(),
                      ST_SetSRID(ST_MakePoint(%s + (i %% 50) * 0.0005, %s + (i / 50) * 0.0005), 4326)
                 FROM generate_series(0, %s - 1) i""",
            [town.municipality.pk, LON - 0.0125, LAT - 0.0125, count],
        )


def test_dense_complaints_are_counted_in_grid_cells(tozeur: Town) -> None:
    add_complaints(tozeur, 2500)

    collection = json.loads(selectors.complaints_in_view(TOZEUR_BBOX, 12, "open"))

    features = collection["features"]
    assert 1 < len(features) <= selectors.MAX_POINTS
    assert sum(f["properties"]["count"] for f in features) == 2501  # with the fixture's own complaint
    assert all(set(f["properties"]) == {"count"} for f in features)


def test_at_national_zoom_complaints_are_counted_per_municipality(tozeur: Town, beja: Town) -> None:
    add_complaints(tozeur, 2500)

    collection = json.loads(selectors.complaints_in_view((7, 30, 12, 38), 6, "open"))

    counts = [(f["properties"], f["geometry"]["coordinates"]) for f in collection["features"]]
    assert counts == [
        ({"count": 2501}, pytest.approx([LON, LAT], abs=0.02)),
        ({"count": 1}, pytest.approx([9.18, 36.72], abs=0.02)),
    ]


def test_a_response_never_carries_more_than_the_cap(tozeur: Town) -> None:
    add_complaints(tozeur, 2500)

    # At zoom 22 a cell is a few centimetres: every complaint has its own cell, and the cap still holds.
    collection = json.loads(selectors.complaints_in_view(TOZEUR_BBOX, 22, "open"))

    assert len(collection["features"]) == selectors.MAX_FEATURES


def test_district_indicators_density_and_distance(tozeur: Town) -> None:
    text = selectors.districts_geojson(tozeur.municipality.pk, arabic=False)
    assert text is not None
    collection = json.loads(text)

    (district,) = collection["features"]
    props = district["properties"]
    assert props["name"] == "Tozeur centre"
    assert props["score"] == 19.0  # (20 + 15 + (100 - 90) + (100 - 70) + (100 - 80)) / 5
    assert props["complaints"] == 1
    assert props["complaints_per_1000"] == 0.1  # 1 complaint, 10,000 inhabitants
    assert props["service_distance_m"] == 0  # the container stands at the district's centre


def test_national_layer_has_every_municipality_in_arabic(tozeur: Town, beja: Town) -> None:
    collection = json.loads(selectors.municipalities_geojson(arabic=True))

    by_code = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert by_code["2111"] == {"code": "2111", "name": "Béja", "governorate": "باجة", "population": 40_000}
    assert set(by_code) == {"6211", "2111"}


def test_service_points_grouped_by_type(tozeur: Town) -> None:
    by_kind = selectors.service_points_by_kind(tozeur.municipality.pk, kind_names())

    assert list(by_kind) == ["waste_container"]
    (feature,) = json.loads(by_kind["waste_container"])["features"]
    assert feature["properties"] == {"title": "Conteneur Tozeur", "kind": "waste_container", "hours": ""}


def add_pharmacy(town: Town, name: str, lon: float, lat: float) -> ServicePoint:
    location = Point(lon, lat, srid=4326)
    return ServicePoint.objects.create(municipality=town.municipality, kind="pharmacy", name=name, location=location)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_unnamed_point_is_titled_by_its_kind_and_street_or_district(
    tozeur: Town, streets: list[RoadSegment], language: str
) -> None:
    # On the avenue (55 m north of the centre); in the district but 200 m from any street; a name that only says
    # "pharmacy", in Arabic; and a name of its own.
    add_pharmacy(tozeur, "", LON + 0.002, LAT + 0.0005)
    add_pharmacy(tozeur, "", LON - 0.004, LAT - 0.002)
    add_pharmacy(tozeur, "صيدلية", LON + 0.004, LAT - 0.002)
    add_pharmacy(tozeur, "Pharmacie de l'Oasis", LON + 0.006, LAT - 0.002)
    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()

    with translation.override(language):
        collection = json.loads(selectors.service_points_by_kind(tozeur.municipality.pk, kind_names())["pharmacy"])

    titles = [feature["properties"]["title"] for feature in collection["features"]]
    assert (
        titles
        == {
            "fr": [
                "Pharmacie, Avenue Habib Bourguiba",
                "Pharmacie, Tozeur centre",
                "Pharmacie, Tozeur centre",
                "Pharmacie de l'Oasis",
            ],
            "ar": ["صيدلية، Avenue Habib Bourguiba", "صيدلية، وسط توزر", "صيدلية، وسط توزر", "Pharmacie de l'Oasis"],
        }[language]
    )


def test_the_nearest_service_is_of_the_kinds_asked_for(tozeur: Town) -> None:
    add_pharmacy(tozeur, "", LON + 0.015, LAT)  # 1.4 km east, outside the district; the container is at the centre

    def nearest(kinds: list[str] | None) -> tuple[str, int] | None:
        with translation.override("en"):
            found = selectors.nearest_service(
                LON, LAT, kind_names(), municipality_id=tozeur.municipality.pk, kinds=kinds
            )
        return None if found is None else (found["title"], found["distance_m"])

    assert nearest(None) == ("Conteneur Tozeur", 0)
    assert nearest(["pharmacy"]) == ("Pharmacy", 1387)  # no street, no district there: its kind alone
    assert nearest(["pharmacy", "school"]) == ("Pharmacy", 1387)
    assert nearest(["school"]) is None


def test_the_street_search_finds_streets_districts_and_places(
    tozeur: Town, streets: list[RoadSegment], places: list[Place]
) -> None:
    def found(query: str, *, arabic: bool = False) -> list[str]:
        return [p["name"] for p in selectors.places_named(query, municipality_id=tozeur.municipality.pk, arabic=arabic)]

    assert found("bourguiba") == ["Avenue Habib Bourguiba"]
    assert found("الكرم") == ["نهج الكرم"]
    assert found("hader") == ["Bled el Hader"]
    assert found("hader", arabic=True) == ["بلد الحضر"]
    assert found("tozeur") == ["Tozeur centre", "Tozeur", "Conteneur Tozeur"]  # district, place, service point
    (avenue,) = selectors.places_named("avenue", municipality_id=tozeur.municipality.pk, arabic=False)
    assert (avenue["lon"], avenue["lat"]) == (pytest.approx(LON, abs=1e-4), pytest.approx(LAT + 0.0005, abs=1e-4))
    assert selectors.municipality_frame("6211").has_streets  # type: ignore[union-attr]


def test_without_a_road_network_no_street_is_promised(tozeur: Town) -> None:
    assert not selectors.municipality_frame("6211").has_streets  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("6211", ["6211"]),
        ("beja", ["2111"]),  # no accent typed
        ("BÉJA", ["2111"]),
        ("ب", ["2111"]),
        ("بآجة", ["2111"]),  # a hamza form typed for the plain alif
        ("باجه", ["2111"]),  # hā' typed for the tā' marbūṭa
        ("e", ["2111", "6211"]),
        ("%", []),
        ("zzz", []),
    ],
)
def test_municipalities_are_found_by_either_name_or_code(
    tozeur: Town, beja: Town, query: str, codes: list[str]
) -> None:
    beja.municipality.name_ar = "باجة"
    beja.municipality.save()

    assert [m.code for m in selectors.municipalities_matching(query, arabic=False)] == codes


def test_the_list_of_municipalities_is_by_governorate(tozeur: Town, beja: Town) -> None:
    grouped = selectors.municipalities_by_governorate(arabic=True)

    assert [(governorate, [m.code for m in entries]) for governorate, entries in grouped] == [
        ("باجة", ["2111"]),
        ("توزر", ["6211"]),
    ]


def test_hidden_complaints_are_not_mapped(tozeur: Town) -> None:
    tozeur.complaint.is_hidden = True
    tozeur.complaint.save(update_fields=["is_hidden"])

    assert json.loads(selectors.complaints_in_view(TOZEUR_BBOX, 14, "all"))["features"] == []
    text = selectors.districts_geojson(tozeur.municipality.pk, arabic=False)
    assert text is not None and json.loads(text)["features"][0]["properties"]["complaints"] == 0
