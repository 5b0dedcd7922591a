"""OGC API - Features Part 5: each collection's feature schema and queryables, as JSON Schema.

Typed from the model fields, so that a client such as QGIS reads `capacity` as an integer instead of
guessing a type from the first page of features.
"""

from typing import Any, cast

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.http import HttpRequest

from gisportal.api.collections import Collection, Queryable
from gisportal.api.ogc.responses import url
from gisportal.api.services import writable_properties

SCHEMA_JSON = "application/schema+json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
REL_SCHEMA = "http://www.opengis.net/def/rel/ogc/1.0/schema"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
GEOMETRY_FORMATS = {
    "Point": "geometry-point",
    "MultiPoint": "geometry-multipoint",
    "LineString": "geometry-linestring",
    "MultiLineString": "geometry-multilinestring",
    "Polygon": "geometry-polygon",
    "MultiPolygon": "geometry-multipolygon",
}


def field_schema(field: models.Field) -> dict[str, Any]:
    """The JSON Schema of one model field's value as the API writes it (one `type`, as QGIS needs)."""
    schema: dict[str, Any]
    if isinstance(field, ArrayField):
        schema = {"type": "array", "items": field_schema(field.base_field)}
    elif isinstance(field, models.ForeignKey | models.AutoField | models.IntegerField):
        schema = {"type": "integer"}
    elif isinstance(field, models.FloatField | models.DecimalField):
        schema = {"type": "number"}
    elif isinstance(field, models.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, models.DateTimeField):  # before DateField, its parent
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, models.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, models.TimeField):
        schema = {"type": "string", "format": "time"}
    elif isinstance(field, models.JSONField):
        schema = {"type": "object"}
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
    if field.choices:
        schema["enum"] = [value for value, _ in field.flatchoices]
    return schema


def _model_field(collection: Collection, lookup: str) -> models.Field:
    """The field a lookup such as `municipality__code` ends on."""
    model, field = collection.model, None
    for part in lookup.split("__"):
        field = cast(models.Field, model._meta.get_field(part))
        if field.related_model is not None and part != lookup.split("__")[-1]:
            model = field.related_model  # type: ignore[assignment]
    return cast(models.Field, field)


def _described(field: models.Field, schema: dict[str, Any]) -> dict[str, Any]:
    described = {"title": str(field.verbose_name).capitalize(), **schema}
    if field.help_text:
        described["description"] = str(field.help_text)
    return described


def property_schemas(collection: Collection) -> dict[str, dict[str, Any]]:
    """Every published property, in the order features carry them, typed, titled, read-only where it is."""
    writable = set(writable_properties(collection))
    schemas: dict[str, dict[str, Any]] = {
        "id": {"title": "Feature id", "type": "integer", "readOnly": True, "x-ogc-role": "id"},
    }
    for name in collection.properties:
        field = cast(models.Field, collection.model._meta.get_field(name))
        schema = _described(field, field_schema(field))
        if name not in writable:
            schema["readOnly"] = True
        if name == collection.temporal:
            schema["x-ogc-role"] = "primary-instant"
        schemas[name] = schema
    for name, lookup in collection.codes:
        key = f"{lookup.partition('__')[0]}_id"
        schema = _described(_model_field(collection, lookup), {"type": "string"})
        schema["description"] = f"Official code; writing it sets {key}."
        if key not in writable:
            schema["readOnly"] = True
        schemas[name] = schema
    for sequence, schema in enumerate(schemas.values(), start=1):
        schema["x-ogc-propertySeq"] = sequence
    return schemas


def feature_schema(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    """The schema of the collection's features (Part 5 "returnables and receivables")."""
    geometry = {
        "title": "Geometry",
        "x-ogc-role": "primary-geometry",
        "format": GEOMETRY_FORMATS[collection.geometry_type],
    }
    return {
        "$schema": DIALECT,
        "$id": url(request, f"/ogc/collections/{collection.id}/schema"),
        "title": str(collection.title),
        "type": "object",
        "properties": {**property_schemas(collection), collection.geometry: geometry},
    }


def _queryable_schema(collection: Collection, queryable: Queryable) -> dict[str, Any]:
    if queryable.boolean:
        schema: dict[str, Any] = {"type": "boolean"}
    elif queryable.choices is not None:
        schema = {"type": "string", "enum": list(queryable.choices.values)}
    else:
        schema = field_schema(_model_field(collection, queryable.lookup))
    return {"title": queryable.name, "description": queryable.description, **schema}


def queryables(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    """The properties a client may filter on with `?name=value` (Part 5 queryables as query parameters)."""
    return {
        "$schema": DIALECT,
        "$id": url(request, f"/ogc/collections/{collection.id}/queryables"),
        "title": str(collection.title),
        "type": "object",
        "properties": {q.name: _queryable_schema(collection, q) for q in collection.queryables},
        "additionalProperties": False,
    }
