"""Every real dataset in fixtures/real imports through the pipeline with its mapping spec and a known summary."""

import pytest
from django.db import connection, transaction

from etl.pipeline import ImportSummary, import_file
from gisportal.paths import BASE_DIR
from layers.models import Delegation, Governorate, Municipality, ServicePoint

pytestmark = pytest.mark.django_db
REAL = BASE_DIR / "fixtures" / "real"
DATASETS = {
    "governorates": (REAL / "tn-municipalities-data4tunisia" / "tun_governorates.geojson", "tn-governorates"),
    "municipalities": (REAL / "tn-municipalities-data4tunisia" / "tun_municipalities.geojson", "tn-municipalities"),
    "delegations": (REAL / "tn-admin-riatelab" / "TN-delegations.geojson", "tn-delegations"),
    "service-points": (REAL / "tn-osm-poi-2019" / "tunisia_municipal_services_2019.geojson", "tn-osm-services"),
}
# The 24,969 OSM nodes of the GeoPackage, filtered to public services: the same nodes as the GeoJSON.
NODES = REAL / "tn-osm-poi-2019" / "tunisia_osm_nodes_2019.gpkg"


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """Each dataset imported twice (the second time must change nothing), rolled back at the end."""
    reports = tmp_path_factory.mktemp("reports")
    summaries: dict[str, tuple[ImportSummary, ImportSummary]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        for layer, (path, spec) in DATASETS.items():
            first = import_file(path, layer=layer, mapping=spec, report=reports / f"{layer}.csv")
            again = import_file(path, layer=layer, mapping=spec, report=reports / f"{layer}-again.csv")
            summaries[layer] = (first, again)
        summaries["nodes"] = (
            import_file(NODES, layer="service-points", mapping="tn-osm-nodes", report=reports / "nodes.csv"),
        ) * 2
        yield summaries
        transaction.set_rollback(True)


def test_municipalities_374_features_become_350(imported):
    first, again = imported["municipalities"]
    assert (first.read, first.imported, first.dropped, first.dissolved, first.rejected) == (374, 350, 13, 11, 0)
    assert (again.imported, again.unchanged) == (0, 350)
    assert Municipality.objects.count() == 350
    assert Municipality.objects.get(code="1211").population == 114_486  # a number stored as text
    assert Municipality.objects.get(code="1113").name_fr == "El kram"
    assert Municipality.objects.get(name_fr__iexact="Bizerte").boundary.num_geom >= 2
    report = first.report.read_text().splitlines()
    assert len(report) == 1 + 13 + 11 and sum("exact duplicate of row" in line for line in report) == 13


def test_governorates_and_delegations(imported):
    governorates, _ = imported["governorates"]
    assert (governorates.imported, governorates.repaired) == (24, 1)
    delegations, again = imported["delegations"]
    assert (delegations.imported, again.unchanged) == (264, 264)
    assert sum(Delegation.objects.values_list("population_2014", flat=True)) == 10_982_476
    assert Delegation.objects.get(code="TN112").name_fr == "La Medina"  # double space collapsed
    # The regional development index, decimal commas read: Kasserine's interior ranks last, Oued Mliz as printed.
    oued_mliz = Delegation.objects.get(code="TN228")
    figures = (oued_mliz.region, oued_mliz.development_index_2011, oued_mliz.distance_to_tunis_km)
    assert figures == ("Nord-ouest", 0.099, 153.9)
    least = Delegation.objects.order_by("development_index_2011").first()
    assert (least.name_fr, least.governorate.name_fr, least.development_index_2011) == ("Hassi ferid", "Kasserine", 0.0)
    assert not Delegation.objects.filter(development_index_2011=None).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM layers_governorate WHERE NOT ST_IsValid(boundary)")
        assert cursor.fetchone()[0] == 0
    for model in (Governorate, Municipality, Delegation):
        for name in model.objects.values_list("name_ar", flat=True):
            assert not any(letter in name for letter in ("\u06cc", "\u06a9", "\u0640")), name


def test_osm_service_points_in_their_municipality(imported):
    first, again = imported["service-points"]
    assert (first.read, first.imported, first.rejected) == (1_704, 1_694, 10)
    assert (again.imported, again.unchanged) == (0, 1_694)
    assert "outside every municipality" in first.report.read_text()
    assert ServicePoint.objects.filter(kind="pharmacy").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM layers_servicepoint p JOIN layers_municipality m ON m.id = p.municipality_id
               WHERE NOT ST_Intersects(m.boundary, p.location)"""
        )
        assert cursor.fetchone()[0] == 0


def test_osm_nodes_geopackage_adds_nothing_twice(imported):
    nodes, _ = imported["nodes"]
    assert (nodes.read, nodes.imported, nodes.unchanged, nodes.rejected) == (1_704, 0, 1_694, 10)
