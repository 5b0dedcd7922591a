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
from django.db.models import Field, ForeignKey, Model, ProtectedError, QuerySet, TimeField
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.text import format_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
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
from gisportal.api.transactions import atomic_writes
from layers import selectors as layer_selectors
from layers.selectors import Scope

LIST_PARAMETERS = frozenset({"bbox", "datetime", "ordering", "cursor", "limit", "format"})
GEOJSON = "application/geo+json"
ERRORS = {
    "400": "A parameter or the body is refused; the body says which and why",
    "401": "No or wrong credentials: send an API token, or a user name and password",
    "403": "Your role or municipalities do not allow this",
    "404": "No such feature that you may see",
    "406": "The Accept header asks for a type this API does not give",
    "409": "Other features still refer to this one",
    "415": "The body must be JSON (application/json or application/geo+json)",
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "detail, or each refused field with its messages",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}


class DocumentedErrors(AutoSchema):
    """Each operation's error answers in the document beside its success: clients (and Schemathesis) know them."""

    codes: tuple[str, ...] | None = None  # a view's own list, else by method

    def error_codes(self) -> tuple[str, ...]:
        if self.codes is not None:
            return self.codes
        one = "{" in self.path
        return {
            "GET": ("401", "403", "404", "406") if one else ("400", "401", "403", "406"),
            "POST": ("400", "401", "403", "406", "415"),
            "PUT": ("400", "401", "403", "404", "406", "415"),
            "PATCH": ("400", "401", "403", "404", "406", "415"),
            "DELETE": ("401", "403", "404", "406", "409"),
        }.get(self.method, ())

    def success_bodies(self, direction: Any) -> dict[str, Any]:
        return super()._get_response_bodies(direction)

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = self.success_bodies(direction)
        error = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
        self.registry.register_on_missing(error)
        for code in self.error_codes():
            # Shared components: the same answer in 44 operations is written out once (the document stays small).
            answer = ResolvedComponent(
                name=f"Error{code}",
                type=ResolvedComponent.RESPONSE,
                object=f"Error{code}",
                schema={"description": ERRORS[code], "content": {"application/json": {"schema": error.ref}}},
            )
            self.registry.register_on_missing(answer)
            responses.setdefault(code, answer.ref)
        return responses


class LayerSchema(DocumentedErrors):
    """A layer's list is a GeoJSON FeatureCollection page built by PostGIS, with its next link."""

    def success_bodies(self, direction: Any) -> dict[str, Any]:
        if getattr(self.view, "action", None) != "list":
            return super().success_bodies(direction)
        feature = self.resolve_serializer(self._get_serializer(), "response")
        page = {
            "type": "object",
            "required": ["type", "next", "numberReturned", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "The next page"},
                "numberReturned": {"type": "integer", "minimum": 0},
                "features": {"type": "array", "items": feature.ref},
            },
        }
        return {"200": {"description": "A page of features", "content": {GEOJSON: {"schema": page}}}}


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
    media_type = GEOJSON


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Other features still refer to this one; remove them first."
    default_code = "conflict"


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


# A local time of day as the API writes it ("06:30:00"): JSON Schema's format "time" demands an offset it never has.
TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "example": "06:30:00",
}


@extend_schema_field(TIME_OF_DAY)
class TimeOfDayField(serializers.TimeField):
    pass


class FeatureSerializer(GeoFeatureModelSerializer):
    serializer_field_mapping: ClassVar = {
        **GeoFeatureModelSerializer.serializer_field_mapping,
        TimeField: TimeOfDayField,
    }

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


class OfficialCode(serializers.CharField):
    """`municipality_code` (`governorate_code`): read from the related row, written as is, for the services."""

    def __init__(self, relation: str, **kwargs: Any) -> None:
        self.relation = relation
        super().__init__(source="*", required=False, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        related = getattr(value, self.relation)
        return None if related is None else related.code

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        return {self.field_name: super().to_internal_value(data)}


def serializer_for(collection: Collection) -> type[GeoFeatureModelSerializer]:
    writable = services.writable_properties(collection)
    declared: dict[str, Any] = {}
    keys = []  # the internal keys (municipality_id): kept for the clients that read or write them
    coded = {f"{lookup.partition('__')[0]}_id": name for name, lookup in collection.codes}
    for name in collection.properties:
        field = collection.model._meta.get_field(name)
        if isinstance(field, ForeignKey):
            keys.append(name)
            declared[name] = serializers.IntegerField(
                required=False,
                allow_null=field.null,
                read_only=name not in writable,
                help_text=f"Internal key; {coded[name]} names the same by its official code." if name in coded else "",
            )
    declared[collection.geometry] = GeoJSONGeometryField()
    # One identifier everywhere: writes name the municipality by its official code, as filters and analyses do.
    codes = [name for name, _ in collection.codes]
    for name, lookup in collection.codes:
        relation = lookup.partition("__")[0]
        declared[name] = OfficialCode(
            relation,
            read_only=f"{relation}_id" not in writable,
            help_text=f"Official code of the {relation}, e.g. 6211 (what filters and analyses take).",
        )

    class Meta:
        model = collection.model
        geo_field = collection.geometry
        fields: ClassVar = ["id", collection.geometry, *collection.properties, *codes]
        read_only_fields: ClassVar = [n for n in collection.properties if n not in writable and n not in keys]

    name = "".join(part.title() for part in collection.id.split("-")) + "Serializer"
    return type(name, (FeatureSerializer,), {"Meta": Meta, **declared})


class LayerViewSet(viewsets.ModelViewSet):
    collection: Collection
    schema = LayerSchema()
    authentication_classes = (StaffTokenAuthentication, SessionAuthentication, StaffBasicAuthentication)
    permission_classes = (MayEditLayer,)
    parser_classes = (StrictJSONParser, GeoJSONParser)  # a form-encoded body is a 415
    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    @classmethod
    def as_view(cls, actions: Any = None, **initkwargs: Any) -> Any:
        return atomic_writes(super().as_view(actions, **initkwargs))

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
        return HttpResponse(f'{head[:-1]}, "features": {page.features_json}}}', content_type=GEOJSON)

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
        try:
            services.delete_feature(instance=instance)
        except ProtectedError:
            raise Conflict() from None

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            exc = exceptions.NotAuthenticated(IsStaff.message)
        return super().handle_exception(exc)


@csrf_exempt  # any method: a DELETE to no feature is a 404, not the CSRF page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """An address under /api/ that no view serves (a feature id that is no number): JSON, as every API error."""
    return JsonResponse({"detail": "No such address in the API; the operations are listed at /api/docs/."}, status=404)


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
