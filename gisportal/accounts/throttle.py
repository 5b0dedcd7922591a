"""Staff login throttling (django-axes): five wrong passwords for one account from one address lock that pair
out for a quarter of an hour, at the admin's login and for HTTP Basic on the APIs alike."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext


class StaffLoginThrottle(AxesStandaloneBackend):
    """Axes' lockout check for every login that comes with a request; the server's own authenticate() calls
    without one (scripts, the test client) are no login attempt."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:  # type: ignore[override]
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[arg-type]


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """A 429 the staff member can read: what happened and when to try again (never whether the account exists)."""
    from gisportal.views import JSON_PATHS

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = gettext(
        "Too many wrong passwords for this account from this address. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path_info.startswith(JSON_PATHS):
        response: HttpResponse = JsonResponse({"code": "TooManyRequests", "description": message}, status=429)
    else:
        response = HttpResponse(message + "\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(minutes * 60)
    return response
