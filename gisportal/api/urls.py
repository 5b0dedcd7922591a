"""The analyst API: OGC API - Features at /ogc."""

from django.urls import include, path

from gisportal.api.ogc import views as ogc

urlpatterns = [
    path("ogc", ogc.landing, name="ogc-landing"),
    path("ogc/", include("gisportal.api.ogc.urls")),
]
