"""REST API under /api/: every layer as GeoJSON, filtered and paged with cursors; writes for planners.

Lists are built by PostGIS (`selectors.feature_page`); single features and writes go through
djangorestframework-gis serializers for validation and the OpenAPI schema, and through
`services.save_feature` for the write itself (same scoping as the admin).
"""

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, QuerySet
from django.http import HttpResponse
from django.utils.text import format_lazy
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, parsers, permissions, serializers, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gisportal.accounts import roles
from gisportal.api import auth, parsing, selectors, services
from gisportal.api.collections import COLLECTIONS, Collection
from gisportal.api.ogc.params import parse_bbox, parse_interval, parse_limit, property_filters
from gisportal.api.parsing import BadParameter
from gisportal.api.selectors import FeatureFilter
from layers import selectors as layer_selectors
from layers.selectors import Scope

LIST_PARAMETERS = frozenset({"bbox", "datetime", "ordering", "cursor", "limit", "format"})


class StaffTokenAuthentication(TokenAuthentication):
    """DRF's token check, with the staff profile in the same query (the role is asked next)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = Token.objects.select_related("user__staff_profile").filter(key=key).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or inactive token.")
        return token.user, token


class StaffBasicAuthentication(BasicAuthentication):
    """DRF's HTTP Basic, made cheap as the OGC API's (the token as password, a verified password remembered)."""

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> tuple[Any, None]:
        user = auth.basic_user(request, userid, password)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid user name or password.")
        return user, None


class StaffBasicScheme(BasicScheme):
    """Declares StaffBasicAuthentication in the OpenAPI document as the HTTP Basic it is."""

    target_class = "gisportal.api.rest.StaffBasicAuthentication"
    name = "staffBasicAuth"  # "basicAuth" is DRF's own, on the schema views


class IsStaff(permissions.BasePermission):
    """Analysts, planners and administrators (what a view answers to each method is the view's business)."""

    message = "Staff credentials are required: an API token, or a user name and password."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.role_of(request.user) is not None


class MayEditLayer(IsStaff):
    """Reads for every staff role; writes where the role may edit the view's layer."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return layer_selectors.scope(view.collection.model, request.user, for_edit=True) is not Scope.NONE


class StrictJSONParser(parsers.JSONParser):
    """Bodies read by `parsing.json_body`, as the OGC API reads them: a deep nesting or a NUL is a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return parsing.json_body(stream.read())
        except DjangoValidationError as invalid:
            raise exceptions.ParseError(" ".join(invalid.messages)) from None


class GeoJSONParser(StrictJSONParser):
    media_type = "application/geo+json"


def orderable(collection: Collection) -> list[str]:
    """Keyset paging needs a total order without NULLs: only the non-null scalar properties qualify."""
    names = []
    for name in collection.properties:
        field = collection.model._meta.get_field(name)
        if not field.null and field.get_internal_type() not in {"ArrayField", "TextField"}:
            names.append(name)
    return names


def encode_cursor(key: tuple[Any, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, collection: Collection, order: str) -> tuple[Any, int]:
    """The (sort value, id) a next link carries, the value typed by the sort field (garbage is a 400, not SQL's)."""
    refused = BadParameter("cursor is not one this API gave out: follow the next link.")
    try:
        value, last_id = parsing.json_body(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError, DjangoValidationError):
        raise refused from None
    if type(last_id) is not int or isinstance(value, list | dict) or not 0 <= last_id <= parsing.BIGINT_MAX:
        raise refused
    if order != "pk":
        try:
            value = cast(Field, collection.model._meta.get_field(order)).to_python(value)
        except (DjangoValidationError, TypeError, ValueError):
            raise refused from None
        if value is None:  # the sort fields are never null
            raise refused
    return value, last_id


class GeoJSONGeometryField(GeometryField):
    """A GeoJSON geometry read like the OGC API reads it (`parsing.geometry`: shapely, never GDAL)."""

    def to_internal_value(self, value: Any) -> GEOSGeometry:
        if not isinstance(value, Mapping):
            raise serializers.ValidationError("The geometry must be a GeoJSON geometry object.")
        try:
            return parsing.geometry(value)
        except DjangoValidationError as invalid:
            raise serializers.ValidationError(invalid.messages) from None


class FeatureSerializer(GeoFeatureModelSerializer):
    def to_internal_value(self, data: Any) -> Any:
        """A GeoJSON Feature: its `properties` object and its `geometry`, either of which a PATCH may leave out."""
        if not isinstance(data, Mapping) or not ({"properties", "geometry"} & set(data)):
            raise serializers.ValidationError({"body": "Send a GeoJSON Feature with properties and a geometry."})
        properties = data.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, Mapping):
            raise serializers.ValidationError({"properties": "properties must be an object."})
        unknown = sorted(set(properties) - (set(self.fields) - {self.Meta.geo_field}))
        if unknown:
            raise serializers.ValidationError({"properties": f"Unknown properties: {', '.join(unknown)}."})
        attrs = dict(properties)
        if "geometry" in data:
            attrs[self.Meta.geo_field] = data["geometry"]
        return serializers.ModelSerializer.to_internal_value(self, attrs)


def serializer_for(collection: Collection) -> type[GeoFeatureModelSerializer]:
    writable = services.writable_properties(collection)
    declared: dict[str, Any] = {
        name: serializers.IntegerField(required=name in writable, read_only=name not in writable)
        for name in collection.properties
        if name.endswith("_id")
    }
    declared[collection.geometry] = GeoJSONGeometryField()
    # The official codes as the lists give them (read here; writes name the municipality by municipality_id).
    codes = [name for name, _ in collection.codes]
    for name, lookup in collection.codes:
        declared[name] = serializers.CharField(source=lookup.replace("__", "."), read_only=True)

    class Meta:
        model = collection.model
        geo_field = collection.geometry
        fields: ClassVar = ["id", collection.geometry, *collection.properties, *codes]
        read_only_fields: ClassVar = [n for n in collection.properties if n not in writable and not n.endswith("_id")]

    name = "".join(part.title() for part in collection.id.split("-")) + "Serializer"
    return type(name, (FeatureSerializer,), {"Meta": Meta, **declared})


class LayerViewSet(viewsets.ModelViewSet):
    collection: Collection
    schema = AutoSchema()
    authentication_classes = (StaffTokenAuthentication, SessionAuthentication, StaffBasicAuthentication)
    permission_classes = (MayEditLayer,)
    parser_classes = (StrictJSONParser, GeoJSONParser)  # a form-encoded body is a 415
    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    def get_queryset(self) -> QuerySet:
        scoped = (
            layer_selectors.visible if self.request.method in permissions.SAFE_METHODS else layer_selectors.editable
        )
        return self.collection.readable(scoped(self.collection.model, self.request.user)).order_by("pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            where, limit, after, order, descending = self.parse_list_query(request)
        except BadParameter as bad:
            raise exceptions.ValidationError({"detail": str(bad)}) from None
        page = selectors.feature_page(
            self.collection, request.user, where, limit=limit, after=after, order=order, descending=descending
        )
        next_url = None
        if page.has_more and page.last_key:
            query = request.query_params.copy()
            query["cursor"] = encode_cursor(page.last_key)
            next_url = request.build_absolute_uri(request.path) + "?" + query.urlencode()
        head = json.dumps({"type": "FeatureCollection", "next": next_url, "numberReturned": page.returned})
        # PostGIS built the features: spliced in as text, never parsed and re-encoded in Python.
        return HttpResponse(f'{head[:-1]}, "features": {page.features_json}}}', content_type="application/geo+json")

    def parse_list_query(self, request: Request) -> tuple[FeatureFilter, int, tuple[Any, int] | None, str, bool]:
        query = request.query_params
        known = LIST_PARAMETERS | {q.name for q in self.collection.queryables}
        unknown = sorted(set(query) - known)
        if unknown:
            raise BadParameter(f"Unknown parameter(s): {', '.join(unknown)}. Accepted: {', '.join(sorted(known))}.")
        ordering = query.get("ordering", "pk")
        order = ordering.removeprefix("-")
        if order not in {"pk", *orderable(self.collection)}:
            raise BadParameter(f"ordering must be one of: {', '.join(orderable(self.collection))} (- for descending).")
        moment, bbox, cursor = query.get("datetime"), query.get("bbox"), query.get("cursor")
        start, end = parse_interval(moment) if moment else (None, None)
        where = FeatureFilter(
            bbox=parse_bbox(bbox, "http://www.opengis.net/def/crs/OGC/1.3/CRS84") if bbox else None,
            start=start,
            end=end,
            properties=tuple(property_filters(self.collection, query)),
        )
        after = decode_cursor(cursor, self.collection, order) if cursor else None
        return where, parse_limit(query.get("limit")), after, order, ordering.startswith("-")

    def _save(self, serializer: serializers.Serializer, *, replace: bool) -> None:
        data = dict(serializer.validated_data)
        geometry: GEOSGeometry | None = data.pop(self.collection.geometry, None)
        instance: Model = serializer.instance or self.collection.model()
        try:
            serializer.instance = services.save_feature(
                collection=self.collection,
                user=self.request.user,
                instance=instance,
                properties=data,
                geometry=geometry,
                replace=replace,
            )
        except DjangoValidationError as invalid:
            raise exceptions.ValidationError(getattr(invalid, "message_dict", invalid.messages)) from None
        except DjangoPermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from None

    def perform_create(self, serializer: serializers.Serializer) -> None:
        self._save(serializer, replace=False)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        self._save(serializer, replace=not serializer.partial)

    def perform_destroy(self, instance: Model) -> None:
        services.delete_feature(instance=instance)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            exc = exceptions.NotAuthenticated(IsStaff.message)
        return super().handle_exception(exc)


def _list_parameters(collection: Collection) -> list[OpenApiParameter]:
    parameters = [
        OpenApiParameter("bbox", str, description="west,south,east,north in CRS84: features that intersect it"),
        OpenApiParameter("datetime", str, description="RFC 3339 instant, date or interval (start/end, .. open)"),
        OpenApiParameter(
            "ordering",
            str,
            enum=[f"{sign}{name}" for name in orderable(collection) for sign in ("", "-")],
            description="Sort key, - for descending",
        ),
        OpenApiParameter("cursor", str, description="From the next link"),
        OpenApiParameter("limit", OpenApiTypes.INT, description="Features per page (clamped to 10,000)"),
    ]
    for queryable in collection.queryables:
        parameters.append(
            OpenApiParameter(
                queryable.name,
                bool if queryable.boolean else str,
                enum=list(queryable.choices.values) if queryable.choices else None,
                description=queryable.description,
            )
        )
    return parameters


def viewset_for(collection: Collection) -> type[LayerViewSet]:
    name = "".join(part.title() for part in collection.id.split("-")) + "ViewSet"
    viewset: type[LayerViewSet] = type(
        name,
        (LayerViewSet,),
        {"collection": collection, "serializer_class": serializer_for(collection), "__doc__": str(collection.title)},
    )
    # extend_schema_view wraps the inherited actions per layer: decorating LayerViewSet's own methods
    # would give every layer the last one's summary, filters and tag.
    # Lazy: the document is written in the language of whoever reads it, not of the import.
    tags, about = [collection.id], collection.description

    def described(summary: str) -> Any:
        return extend_schema(tags=tags, summary=format_lazy(summary, collection.title), description=about)

    list_schema = extend_schema(
        tags=tags,
        summary=format_lazy("{}: a page of features (GeoJSON)", collection.title),
        description=about,
        parameters=_list_parameters(collection),
    )
    return extend_schema_view(
        list=list_schema,
        retrieve=described("{}: one feature"),
        create=described("{}: add a feature (planners)"),
        update=described("{}: replace a feature (planners)"),
        partial_update=described("{}: change some properties (planners)"),
        destroy=described("{}: delete a feature (planners)"),
    )(viewset)


VIEWSETS = {collection.id: viewset_for(collection) for collection in COLLECTIONS.values()}
