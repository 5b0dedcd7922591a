"""The home page, the health check, the citizens' photos, and what a request gets while the database is down."""

import sys
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.static import serve

from gisportal import spaces
from layers import selectors


def home(request: HttpRequest) -> HttpResponse:
    context = {"layer_counts": selectors.public_layer_counts(), "open_now": spaces.open_everywhere()}
    return render(request, "home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Lib_Version()")
        (postgis,) = cursor.fetchone()
    return JsonResponse({"status": "ok", "postgis": postgis})


@require_safe
@transaction.non_atomic_requests  # a file read: no database, not even a transaction
def public_media(request: HttpRequest, folder: str, path: str) -> HttpResponseBase:
    """A photo of a report or a budget proposal, when the portal serves them itself (settings.SERVE_MEDIA).

    Only the public folders (settings.PUBLIC_MEDIA_FOLDERS): imported files and rasters stay private.
    """
    if not settings.SERVE_MEDIA or folder not in settings.PUBLIC_MEDIA_FOLDERS:
        raise Http404
    response = serve(request, path, document_root=str(Path(settings.MEDIA_ROOT) / folder))
    # A stored photo never changes (a new one gets a new name): a day in the phone's cache spares a slow link.
    response["Cache-Control"] = "public, max-age=86400"
    return response


RETRY_AFTER_SECONDS = 10
JSON_PATHS = ("/api/", "/ogc", "/tiles/", "/healthz", "/basemap/")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the database unreachable (restarting, failing over) is a 503 the client may retry, in the
    format of the door it knocked at; anything else stays Django's plain 500 page. Never a traceback."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError) or _is_query_error(error):
        return defaults.server_error(request)
    path = request.path_info
    # Built without the request's context: sessions and the user live in the database too.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        message = gettext("The portal cannot reach its database for a moment. Please try again in a few seconds.")
        if path.startswith("/open311/"):
            response: HttpResponse = JsonResponse([{"code": 503, "description": message}], safe=False, status=503)
        elif path.startswith(JSON_PATHS):
            response = JsonResponse({"code": "ServiceUnavailable", "description": message}, status=503)
        else:
            page = render_to_string("unavailable.html", {"message": message, "retry": RETRY_AFTER_SECONDS})
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _is_query_error(error: Exception) -> bool:
    """A statement the server refused (a bug to fix, a 500) rather than a server out of reach (a 503)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) is not None and not str(getattr(cause, "sqlstate", "")).startswith(
        ("08", "57P")  # connection exceptions; operator intervention (shutdown, restart, crash)
    )
