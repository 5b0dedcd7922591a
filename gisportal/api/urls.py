"""The analyst API: REST at /api/, OGC API - Features at /ogc, vector tiles at /tiles."""

from django.urls import include, path, re_path
from django.views.decorators.gzip import gzip_page
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from gisportal.api import analysis_views, tile_views
from gisportal.api.ogc import views as ogc
from gisportal.api.rest import VIEWSETS, not_found

router = DefaultRouter()
for collection_id, viewset in VIEWSETS.items():
    router.register(collection_id, viewset, basename=f"api-{collection_id}")

urlpatterns = [
    path("ogc", ogc.landing, name="ogc-landing"),
    path("ogc/", include("gisportal.api.ogc.urls")),
    path("tiles/<str:collection_id>.json", tile_views.tilejson, name="tilejson"),
    path("tiles/<str:collection_id>/<int:z>/<int:x>/<int:y>.pbf", tile_views.vector_tile, name="vector-tile"),
    # Compressed: the document (YAML, about 90 KB) is most of what /api/docs/ downloads after the bundle.
    path("api/schema/", gzip_page(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    path("api/analyses/", analysis_views.AnalysisIndex.as_view(), name="api-analyses"),
    path("api/analyses/<str:name>/", analysis_views.AnalysisRun.as_view(), name="api-analysis"),
    path("api/", include(router.urls)),
    # Any other address under /api/ ending in a slash: a JSON 404 as the document says (one without the slash
    # is left to APPEND_SLASH's redirect).
    re_path(r"^api/.+/$", not_found),
]
