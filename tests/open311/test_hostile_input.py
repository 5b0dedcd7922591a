"""What an outside probe sent the GeoReport v2 server (issue 15): a 400 in the spec's error format, nothing stored."""

import pytest

from layers.models import Complaint
from tests.open311.conftest import check
from tests.open311.test_open311 import V2, parse_xml, post

IMPOSSIBLE = ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:30:00Z", "2026-01-01T00:00:00+24:00"]
OFF_THE_CALENDAR = ["9999-12-31T23:59:59Z", "9999-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "0001-12-31T00:00:00+05:00"]


@pytest.mark.parametrize("moment", IMPOSSIBLE + OFF_THE_CALENDAR)
@pytest.mark.parametrize("name", ["start_date", "end_date", "updated_after", "updated_before"])
def test_dates_that_are_no_date_or_off_the_calendar(client, tozeur, name, moment):
    response = client.get(V2 + "requests.json", {name: moment})
    assert response.status_code == 400, response.content
    check("errors", response.json())
    assert name in response.json()[0]["description"]
    xml = client.get(V2 + "requests.xml", {name: moment})
    assert parse_xml(xml.content).find("error/code").text == "400"


def test_a_date_range_at_the_calendars_edge(client, tozeur):
    edge = {"start_date": "9999-12-01T00:00:00Z", "end_date": "9999-12-31T00:00:00Z"}
    response = client.get(V2 + "requests.json", edge)
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "1900" in description and "2999" in description


def test_dates_within_the_calendar_still_answer(client, tozeur):
    response = client.get(V2 + "requests.json", {"start_date": "2999-12-01T00:00:00Z"})
    assert response.status_code == 200
    assert response.json() == []


def test_a_json_body_is_refused_however_deep(client, tozeur, api_key):
    before = Complaint.objects.count()
    for payload in (b"[" * 100_000 + b"]" * 100_000, b'{"api_key": "%s"}' % api_key.encode()):
        response = client.post(V2 + "requests.json", payload, content_type="application/json")
        assert response.status_code == 400, response.content
        check("errors", response.json())
        assert "application/x-www-form-urlencoded" in response.json()[0]["description"]
    assert Complaint.objects.count() == before


@pytest.mark.parametrize("number", ["nan", "inf", "-Infinity", "1e400", "1_0", "\u0663\u0663"])
def test_coordinates_are_plain_finite_numbers(client, tozeur, api_key, number):
    before = Complaint.objects.count()
    for field in ("lat", "long"):
        response = post(client, api_key, **{field: number})
        assert response.status_code == 400, response.content
        check("errors", response.json())
    assert Complaint.objects.count() == before
