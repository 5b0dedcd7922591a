"""Under /ogc/, without trailing slashes: clients build these paths themselves and must not meet a redirect."""

from django.urls import path

from gisportal.api.ogc import views

urlpatterns = [
    path("", views.landing),
    path("conformance", views.conformance, name="ogc-conformance"),
    path("api", views.api_document, name="ogc-api"),
    path("collections", views.collections, name="ogc-collections"),
    path("collections/<str:collection_id>", views.collection, name="ogc-collection"),
    path("collections/<str:collection_id>/schema", views.schema, name="ogc-schema"),
    path("collections/<str:collection_id>/queryables", views.queryables, name="ogc-queryables"),
    path("collections/<str:collection_id>/items", views.items, name="ogc-items"),
    path("collections/<str:collection_id>/items/<int:feature_id>", views.item, name="ogc-item"),
    path("collections/<str:collection_id>/items/<str:feature_id>", views.no_such_item),
]
