"""The home page, the health check and the citizens' photos."""

from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
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
