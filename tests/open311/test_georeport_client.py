"""An independent client, the `georeport` package from PyPI, against the live server, in JSON and XML."""

import pytest
from georeport import GeoReport

from gisportal.complaints import services
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.open311.conftest import check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything(live_server, tozeur, fmt):
    report = services.submit_report(
        lon=TOZEUR_LON, lat=TOZEUR_LAT, category="roads", description="Nid de poule rue de la gare"
    )
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)

    service_list = client.get_service_list()
    assert {s["service_code"] for s in service_list} >= {"waste", "roads"}
    definition = client.get_service_definition("waste")
    assert definition["service_code"] == "waste"
    one = client.get_service_request(report.tracking_code)
    assert one["service_request_id"] == report.tracking_code
    listed = client.get_service_requests(status="open", service_code="roads")
    # xmltodict gives a single <request> as a dict, several as a list.
    listed = listed if isinstance(listed, list) else [listed]
    assert [r["service_request_id"] for r in listed] == [report.tracking_code]
    if fmt == "json":
        check("services", service_list)
        check("service_definition", definition)
        check("service_requests", listed)
    else:
        assert one["status"] == "open"
        assert definition["attributes"]["attribute"]["code"] == "container"
