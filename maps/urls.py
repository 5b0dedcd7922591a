from django.urls import path

from maps import views

app_name = "maps"
urlpatterns = [
    path("", views.national, name="national"),
    path("complaints.json", views.complaints_in_view, name="complaints"),
    path("municipalities.json", views.municipality_outlines, name="outlines"),
    path("picture.svg", views.map_picture, name="picture"),
    path("<str:code>/", views.municipality, {"kind": "home"}, name="municipality"),
    path("<str:code>/services/", views.municipality, {"kind": "services"}, name="services"),
    path("<str:code>/collection/", views.municipality, {"kind": "collection"}, name="collection"),
    path("<str:code>/complaints/", views.municipality, {"kind": "complaints"}, name="complaints-map"),
    path("<str:code>/districts/", views.municipality, {"kind": "districts"}, name="districts"),
    path("<str:code>/nearest-service.json", views.nearest_service, name="nearest-service"),
    path("<str:code>/collection-day.json", views.collection_day, name="collection-day"),
    path("<str:code>/places.json", views.places, name="places"),
]
