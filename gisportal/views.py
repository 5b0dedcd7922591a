from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from layers import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"layer_counts": selectors.public_layer_counts()})


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Lib_Version()")
        (postgis,) = cursor.fetchone()
    return JsonResponse({"status": "ok", "postgis": postgis})
