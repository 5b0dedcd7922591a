"""Every staff write in the audit log: after the response, outside the request's transaction, so that a refused
or failed write is recorded too."""

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from gisportal.accounts.models import StaffAction

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class StaffAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            # After the view: DRF's token and Basic authentication set the user on the request there.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                StaffAction.objects.create(
                    user=user,
                    ip=_ip(request.META.get("REMOTE_ADDR", "")),
                    method=str(request.method)[:10],
                    path=request.get_full_path()[:500],
                    status=response.status_code,
                )
        return response


def _ip(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
