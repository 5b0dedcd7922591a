"""The analyst API: OGC API - Features at /ogc, vector tiles at /tiles."""

from django.urls import include, path

from gisportal.api import tile_views
from gisportal.api.ogc import views as ogc

urlpatterns = [
    path("ogc", ogc.landing, name="ogc-landing"),
    path("ogc/", include("gisportal.api.ogc.urls")),
    path("tiles/<str:collection_id>.json", tile_views.tilejson, name="tilejson"),
    path("tiles/<str:collection_id>/<int:z>/<int:x>/<int:y>.pbf", tile_views.vector_tile, name="vector-tile"),
]
