from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from etl.urls import open_data_patterns
from gisportal import views
from maps import views as map_views

admin.site.site_header = "gisportal"
admin.site.site_title = "gisportal"

handler500 = "gisportal.views.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("open311/v2/", include("gisportal.open311.urls")),
    path("", include("gisportal.api.urls")),
    # The citizen maps' basemap: one tile for every language (each tile carries the Arabic and French names).
    path("basemap/<int:z>/<int:x>/<int:y>.pbf", map_views.basemap_tile, name="basemap"),
    # French at /, Arabic at /ar/, English at /en/: for the staff pages too.
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("m/", include("maps.urls")),
        path("imports/", include("etl.urls")),
        path("open-data/", include(open_data_patterns)),
        path("accounts/", include("gisportal.accounts.urls")),
        path("participate/", include("gisportal.participants.urls")),
        path("pb/", include("gisportal.budgeting.urls")),
        path("finances/", include("gisportal.finances.urls")),
        path("routes/", include("gisportal.routing.urls")),
        path("score-cards/", include("gisportal.community_scorecards.urls")),
        path("consultations/", include("gisportal.consultations.urls")),
        path("scorecards/", include("gisportal.scorecards.urls")),
        path("petitions/", include("gisportal.petitions.urls")),
        path("council/", include("gisportal.council.urls")),
        path("", include("gisportal.complaints.urls")),
        path("", views.home, name="home"),
        prefix_default_language=False,
    ),
    # Citizens' photos only (see views.public_media); never the private uploads or rasters beside them.
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<folder>[a-z]+)/(?P<path>.+)$", views.public_media, name="public_media"
    ),
]
