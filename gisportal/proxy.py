"""The citizen's own address behind the proxies in front (docker-compose's nginx, a load balancer).

Rate limits, login throttling and the audit log read REMOTE_ADDR; behind a proxy it is the proxy's, shared by every
client. With GISPORTAL_PROXY_HOPS=n (the proxies that append to X-Forwarded-For, each trusted), the address is the
one the outermost of them saw: the n-th from the right. A client cannot forge it, since whatever it sends itself
stays to the left. 0 (the default, no proxy): X-Forwarded-For is ignored.
"""

from collections.abc import Callable
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(forwarded_for: str, hops: int) -> str | None:
    """The address the outermost trusted proxy saw, or None when the header does not have that many entries."""
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if hops <= 0 or len(entries) < hops:
        return None
    candidate = entries[-hops]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return None


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.PROXY_HOPS:
            found = client_address(request.META.get("HTTP_X_FORWARDED_FOR", ""), settings.PROXY_HOPS)
            if found is not None:
                request.META["REMOTE_ADDR"] = found
        return self.get_response(request)
