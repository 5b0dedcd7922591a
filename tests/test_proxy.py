"""GISPORTAL_PROXY_HOPS: the citizen's address from X-Forwarded-For, as the trusted proxies wrote it."""

import pytest
from django.http import HttpRequest, HttpResponse

from gisportal.proxy import ClientAddressMiddleware, client_address


@pytest.mark.parametrize(
    ("header", "hops", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        ("10.9.9.9, 203.0.113.7", 1, "203.0.113.7"),  # what the client sent itself stays to the left
        ("203.0.113.7, 172.18.0.5", 2, "203.0.113.7"),
        ("203.0.113.7", 2, None),  # fewer entries than trusted proxies: not believed
        ("not-an-address", 1, None),
        ("", 1, None),
        ("203.0.113.7", 0, None),
    ],
)
def test_client_address(header, hops, expected):
    assert client_address(header, hops) == expected


def seen_address(settings, hops: int, header: str | None) -> str:
    settings.PROXY_HOPS = hops
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "172.18.0.5"  # the proxy
    if header is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = header
    ClientAddressMiddleware(lambda request: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


def test_the_middleware_believes_the_header_only_behind_a_proxy(settings):
    assert seen_address(settings, 0, "203.0.113.7") == "172.18.0.5"
    assert seen_address(settings, 1, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert seen_address(settings, 1, None) == "172.18.0.5"
