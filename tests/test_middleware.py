"""A NUL character anywhere a request carries text is a 400 with a plain message, never a 500 (PostgreSQL text
cannot hold it): in the path, the query string, a cookie or a form field (Django already keeps only the printable
characters of an uploaded file's name)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import Town

# One address of every public family (and the staff pages a probe reaches before logging in).
FAMILIES = [
    "/",
    "/healthz",
    "/m/",
    "/m/6211/",
    "/ar/m/6211/services/",
    "/m/6211/collection/",
    "/m/complaints.json",
    "/m/municipalities.json",
    "/m/6211/places.json",
    "/m/6211/nearest-service.json",
    "/m/6211/collection-day.json",
    "/open-data/",
    "/open-data/districts.csv",
    "/report/",
    "/report/ABCDEFGHJK/",
    "/participate/",
    "/pb/",
    "/api/",
    "/api/service-points/",
    "/api/analyses/",
    "/ogc/collections",
    "/ogc/collections/service-points/items",
    "/tiles/service-points.json",
    "/admin/login/",
    "/imports/",
    "/staff/complaints/",
    "/i18n/setlang/",
]
# Where a value from the address meets a query: a search, a filter, a code, a bounding box.
PARAMETERS = ["q", "municipality", "bbox", "state", "service_code", "status", "code", "next", "filter"]
NUL_PATHS = [
    "/m/%00/",
    "/ar/m/6211%00/",
    "/m/6211/%00",
    "/open-data/%00.csv",
    "/open-data/districts.%00",
    "/report/%00/",
    "/api/service-points/%00/",
    "/ogc/collections/%00/items",
    "/tiles/%00.json",
    "/pb/%00/2024/",
    "/admin/layers/district/%00/change/",
    "/static/%00",
]


def assert_refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    path = response.request["PATH_INFO"]
    if path.startswith(("/api/", "/ogc", "/tiles/")):  # the APIs' own error format, as their documents say
        assert response["Content-Type"] == "application/json"
        error = response.json()
        assert "NUL" in (error["description"] if path.startswith("/ogc") else error["detail"])
        return
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("path", FAMILIES)
def test_nul_in_any_parameter_is_a_400(client: Client, tozeur: Town, path: str) -> None:
    for name in PARAMETERS:
        assert_refused(client.get(f"{path}?{name}=ab%00cd"))
    assert_refused(client.get(f"{path}?%00=1"))  # in a name too


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_in_the_path_is_a_400(client: Client, tozeur: Town, path: str) -> None:
    assert_refused(client.get(path))


@pytest.mark.parametrize("path", ["/report/", "/admin/login/", "/participate/", "/imports/", "/i18n/setlang/"])
def test_nul_in_a_form_field_is_a_400(client: Client, tozeur: Town, path: str) -> None:
    assert_refused(client.post(path, {"description": "Conteneur\x00plein", "username": "a"}))  # multipart
    urlencoded = "application/x-www-form-urlencoded"
    assert_refused(client.post(path, "description=Conteneur%00plein&username=a", content_type=urlencoded))
    assert_refused(client.post(path, {"layer": "service\x00point", "file": SimpleUploadedFile("p.csv", b"x")}))
    assert_refused(client.post(path, {"lay\x00er": "x"}))  # in a name too


def test_nul_in_a_cookie_is_a_400(client: Client, tozeur: Town) -> None:
    assert_refused(client.get("/m/6211/", HTTP_COOKIE='sessionid="a\\000b"'))


def test_the_message_is_in_the_language_of_the_address(client: Client, tozeur: Town) -> None:
    french, arabic = client.get("/m/%00/"), client.get("/ar/m/%00/")
    assert_refused(french)
    assert_refused(arabic)
    assert french.content != arabic.content


def test_open311_answers_nul_in_its_own_error_format(client: Client, tozeur: Town) -> None:
    """GeoReport clients parse its errors: Open311 refuses NUL itself, as any other bad value."""
    for response in (
        client.get("/open311/v2/requests.json?service_code=ab%00cd&status=open%00"),
        client.post("/open311/v2/requests.json", {"description": "nul \x00 byte", "service_code": "waste"}),
    ):
        assert response.status_code in (200, 400, 403)
        assert response["Content-Type"].startswith("application/json")


def test_a_request_without_nul_goes_through(client: Client, tozeur: Town) -> None:
    assert client.get("/m/6211/places.json?q=centre").status_code == 200
    assert client.get("/report/").status_code == 200
    assert client.get("/open-data/?municipality=6211").status_code == 200
