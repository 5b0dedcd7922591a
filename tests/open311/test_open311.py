"""GeoReport v2 at /open311/v2/: every method, both formats, the spec's errors, the extensions."""

import datetime
import xml.etree.ElementTree as ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gisportal.complaints import services
from gisportal.complaints.models import Ban, ComplaintPhoto, ServiceCategory, ServiceQuestion
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON
from tests.open311.conftest import check, jpeg_with_gps

V2 = "/open311/v2/"


def parse_xml(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 -- our own server's output, in a test


def post(client, key, REMOTE_ADDR="127.0.0.1", **fields):
    data = {
        "api_key": key,
        "service_code": "waste",
        "lat": str(TOZEUR_LAT),
        "long": str(TOZEUR_LON),
        "description": "Conteneur plein rue Ibn Chabbat",
        "email": "reporter@example.org",
        "first_name": "Amel",
    } | fields
    return client.post(V2 + "requests.json", {k: v for k, v in data.items() if v is not None}, REMOTE_ADDR=REMOTE_ADDR)


def test_discovery(client, db):
    body = client.get(V2 + "discovery.json").json()
    check("discovery", body)
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2"
    xml = parse_xml(client.get(V2 + "discovery.xml").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == ["text/xml", "application/json"]


def test_services_national_and_per_jurisdiction(client, tozeur):
    national = client.get(V2 + "services.json").json()
    check("services", national)
    assert [s["service_code"] for s in national] == sorted(Complaint.Category.values)
    assert next(s for s in national if s["service_code"] == "waste")["metadata"] is True
    ServiceCategory.objects.create(municipality=tozeur.municipality, code="water", target_days=1)
    own = client.get(V2 + "services.json", {"jurisdiction_id": "6211"}).json()
    assert [(s["service_code"], s["metadata"]) for s in own] == [("water", False)]
    missing = client.get(V2 + "services.json", {"jurisdiction_id": "9999"})
    assert missing.status_code == 404
    check("errors", missing.json())


def test_service_definition_json_and_xml(client, db):
    body = client.get(V2 + "services/waste.json").json()
    check("service_definition", body)
    assert body["attributes"][0]["code"] == "container"
    assert [v["key"] for v in body["attributes"][0]["values"]] == ["full", "damaged", "missing"]
    xml = parse_xml(client.get(V2 + "services/waste.xml").content)
    assert xml.tag == "service_definition"
    assert [k.text for k in xml.iter("key")] == ["full", "damaged", "missing"]
    assert xml.find("attributes/attribute/variable").text == "true"
    assert client.get(V2 + "services/nothing.json").status_code == 404


def test_post_then_get_request_and_token(client, tozeur, api_key):
    response = post(client, api_key, **{"attribute[container]": "full"})
    assert response.status_code == 200
    created = response.json()
    check("post_service_request", created)
    code = created[0]["service_request_id"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert (complaint.municipality, complaint.answers, complaint.source) == (
        tozeur.municipality,
        {"container": "full"},
        "open311:test app",
    )
    assert complaint.reporter_contact == "reporter@example.org"
    one = client.get(V2 + f"requests/{code}.json").json()
    check("service_requests", one)
    assert (one[0]["status"], one[0]["service_code"], one[0]["lat"]) == ("open", "waste", round(TOZEUR_LAT, 6))
    assert "reporter@example.org" not in client.get(V2 + f"requests/{code}.xml").content.decode()
    assert "Amel" not in str(one)
    tokens = client.get(V2 + f"tokens/{code}.json").json()
    check("tokens", tokens)
    assert tokens == [{"service_request_id": code, "token": code}]
    assert client.get(V2 + "tokens/NOPE.json").status_code == 404
    assert client.get(V2 + "requests/NOPE.xml").status_code == 404


def test_post_xml_response(client, tozeur, api_key):
    response = client.post(
        V2 + "requests.xml",
        {
            "api_key": api_key,
            "service_code": "roads",
            "lat": TOZEUR_LAT,
            "long": TOZEUR_LON,
            "description": "Trou profond",
        },
    )
    xml = parse_xml(response.content)
    assert xml.tag == "service_requests"
    assert len(xml.find("request/service_request_id").text) == 10


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"api_key": ""}, 403),
        ({"api_key": "wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "bogus"}, 400),
        ({"lat": None, "long": None, "address_string": "Rue de Tozeur"}, 400),
        ({"lat": "north"}, 400),
        ({"lat": "95"}, 400),
        ({"long": "nan"}, 400),
        ({"lat": "36.0", "long": "4.0"}, 400),  # in Algeria: outside every municipality
        ({"description": ""}, 400),
        ({"description": "x" * 2001}, 400),
        ({"description": "nul \x00 byte"}, 400),
        ({"email": "x" * 101}, 400),
        ({"email": "not a contact"}, 400),
        ({"first_name": "x" * 101}, 400),
        ({"attribute[container]": "overflowing"}, 400),
        ({"attribute[unknown]": "x"}, 400),
        ({"attribute]": "x"}, 400),
    ],
)
def test_post_bad_input_is_a_spec_error_and_stores_nothing(client, tozeur, api_key, fields, status):
    before = Complaint.objects.count()
    response = post(client, api_key, **fields)
    assert response.status_code == status
    check("errors", response.json())
    assert response.json()[0]["code"] == status
    assert Complaint.objects.count() == before


def test_post_with_media_upload_strips_metadata(client, tozeur, api_key, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = post(client, api_key, media=photo)
    assert response.status_code == 200
    stored = ComplaintPhoto.objects.get()
    assert (stored.width, stored.height) == (800, 1600)  # turned upright, then fitted in 1600 px
    from PIL import Image

    with Image.open(stored.image.path) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    code = response.json()[0]["service_request_id"]
    listed = client.get(V2 + f"requests/{code}.json", {"extensions": "true"}).json()[0]
    assert listed["media_url"].startswith("http://testserver/media/complaints/")
    assert listed["media"] == [listed["media_url"]]


def test_get_requests_filters_and_default_window(client, tozeur, beja, planner_tozeur):
    old = tozeur.complaint
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=120))
    fresh = services.submit_report(
        lon=TOZEUR_LON, lat=TOZEUR_LAT, category="roads", description="Nid de poule", client_ip="10.1.1.1"
    )
    services.change_status(fresh, to="resolved", by=planner_tozeur, note="Rebouché")
    hidden = services.submit_report(
        lon=TOZEUR_LON, lat=TOZEUR_LAT, category="noise", description="Bruit la nuit", client_ip="10.1.1.2"
    )
    services.moderate(hidden, by=planner_tozeur, hidden=True)

    def codes(**params):
        response = client.get(V2 + "requests.json", params)
        assert response.status_code == 200, response.content
        check("service_requests", response.json())
        return {r["service_request_id"] for r in response.json()}

    # The default: the last 90 days, hidden reports never.
    assert codes() == {fresh.tracking_code, beja.complaint.tracking_code}
    assert codes(jurisdiction_id="6211") == {fresh.tracking_code}
    assert codes(status="open") == {beja.complaint.tracking_code}
    assert codes(status="closed") == {fresh.tracking_code}
    assert codes(status="open,closed", service_code="roads") == {fresh.tracking_code}
    start = (timezone.now() - datetime.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert codes(start_date=start) == {old.tracking_code}
    # service_request_id overrides every other filter, the old one included; hidden stays hidden.
    ids = f"{old.tracking_code},{fresh.tracking_code},{hidden.tracking_code}"
    assert codes(service_request_id=ids, status="open") == {old.tracking_code, fresh.tracking_code}
    assert len(codes(page_size="1")) == 1
    assert codes(page_size="1", page="3") == set()
    later = (timezone.now() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert codes(updated_after=later) == set()
    resolved = client.get(V2 + f"requests/{fresh.tracking_code}.json", {"extensions": "true"}).json()[0]
    assert resolved["status_notes"] == "Rebouché"
    assert resolved["detailed_status"] == "resolved"
    assert [n["status"] for n in resolved["notes"]] == ["submitted", "resolved"]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00"},  # no time zone
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},  # over 90 days
        {"status": "pending"},
        {"service_code": "bogus"},
        {"page_size": "1001"},
        {"page_size": "0"},
        {"page": "-1"},
        {"page": "²"},  # a digit to str.isdigit, not to int()
        {"updated_after": "soon"},
        {"jurisdiction_id": "0000"},
        {"service_request_id": ",".join(["A"] * 201)},
    ],
)
def test_get_requests_bad_query(client, db, params):
    for fmt in ("json", "xml"):
        response = client.get(V2 + f"requests.{fmt}", params)
        assert response.status_code in (400, 404)
        if fmt == "json":
            check("errors", response.json())
        else:
            assert parse_xml(response.content).find("error/code").text == str(response.status_code)


def test_xml_requests_list(client, tozeur):
    xml = parse_xml(client.get(V2 + "requests.xml").content)
    assert xml.tag == "service_requests"
    assert [r.find("service_request_id").text for r in xml.findall("request")] == [tozeur.complaint.tracking_code]


def test_other_methods_and_formats(client, db):
    assert client.delete(V2 + "requests.json").status_code == 405
    assert client.get(V2 + "requests.csv").status_code == 404
    assert client.post(V2 + "services.json").status_code == 405


def test_list_query_count_does_not_grow(client, tozeur, django_assert_max_num_queries):
    for n in range(5):
        services.submit_report(
            lon=TOZEUR_LON, lat=TOZEUR_LAT, category="roads", description=f"Trou {n}", client_ip=f"10.2.0.{n}"
        )
    # Requests, their public updates, their photos; and the savepoint pair of ATOMIC_REQUESTS.
    with django_assert_max_num_queries(5):
        assert len(client.get(V2 + "requests.json", {"extensions": "true"}).json()) == 6


def test_multivalue_attribute(client, tozeur, api_key):
    category = ServiceCategory.objects.get(municipality=None, code="roads")
    ServiceQuestion.objects.create(
        category=category,
        code="hazards",
        question="Hazards?",
        datatype="multivaluelist",
        values=[{"key": "hole", "name": "Hole"}, {"key": "water", "name": "Standing water"}],
    )
    response = client.post(
        V2 + "requests.json",
        {
            "api_key": api_key,
            "service_code": "roads",
            "lat": TOZEUR_LAT,
            "long": TOZEUR_LON,
            "description": "Trou inondé",
            "attribute[hazards]": ["hole", "water"],
        },
    )
    assert response.status_code == 200, response.content
    assert Complaint.objects.get(tracking_code=response.json()[0]["service_request_id"]).answers == {
        "hazards": ["hole", "water"]
    }


def test_post_abuse_controls(client, tozeur, api_key, settings):
    settings.COMPLAINTS_REPORTS_PER_IP_PER_HOUR = 2
    assert [post(client, api_key, email=f"u{n}@example.org").status_code for n in range(3)] == [200, 200, 429]
    Ban.objects.create(kind=Ban.Kind.CONTACT, value="troll@example.org")
    banned = post(client, api_key, email="troll@example.org", REMOTE_ADDR="10.7.7.7")
    assert banned.status_code == 403
    check("errors", banned.json())
    too_big = client.post(
        V2 + "requests.json", {"api_key": api_key}, CONTENT_LENGTH=str(30 * 1024 * 1024), REMOTE_ADDR="10.7.7.8"
    )
    assert too_big.status_code == 413
    assert Complaint.objects.filter(source__startswith="open311").count() == 2


def test_post_with_jurisdiction(client, tozeur, beja, api_key):
    before = Complaint.objects.count()
    assert post(client, api_key, jurisdiction_id="2111").status_code == 400  # the point is in Tozeur
    assert post(client, api_key, jurisdiction_id="9999").status_code == 404
    assert Complaint.objects.count() == before
    assert post(client, api_key, jurisdiction_id="6211").status_code == 200
