"""A plain djangorestframework-gis list: GeoFeatureModelSerializer, InBBoxFilter, GeoJsonPagination."""

from django.urls import path
from rest_framework import generics
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from layers.models import Complaint


class ComplaintSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = Complaint
        geo_field = "location"
        fields = (
            "id",
            "location",
            "tracking_code",
            "municipality_id",
            "district_id",
            "category",
            "description",
            "status",
            "created_at",
            "updated_at",
        )


class Pages(GeoJsonPagination):
    page_size = 1000


class ComplaintList(generics.ListAPIView):
    queryset = Complaint.objects.order_by("id")
    serializer_class = ComplaintSerializer
    pagination_class = Pages
    filter_backends = (InBBoxFilter,)
    bbox_filter_field = "location"
    bbox_filter_include_overlapping = True
    authentication_classes = ()
    permission_classes = ()


urlpatterns = [path("complaints", ComplaintList.as_view())]
