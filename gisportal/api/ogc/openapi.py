"""The OpenAPI 3.0 document of /ogc, generated from the collection registry (property filters included)."""

from django.http import HttpRequest

from gisportal.api.collections import COLLECTIONS, Collection
from gisportal.api.ogc.params import DEFAULT_LIMIT, MAX_LIMIT
from gisportal.api.ogc.schemas import property_schemas
from gisportal.api.parsing import BIGINT_MAX

COMMON = {
    "f": {
        "name": "f",
        "in": "query",
        "description": "Response format (otherwise chosen from the Accept header).",
        "schema": {"type": "string", "enum": ["json", "html"]},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": f"Features per page; larger values are clamped to {MAX_LIMIT}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "style": "form",
        "explode": False,
    },
    "bbox": {
        "name": "bbox",
        "in": "query",
        "description": "Features whose geometry intersects this box (CRS84: west,south,east,north).",
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "style": "form",
        "explode": False,
    },
    "bbox-crs": {
        "name": "bbox-crs",
        "in": "query",
        "description": "Only CRS84 is supported.",
        "schema": {"type": "string", "format": "uri"},
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "description": "An RFC 3339 instant, date or interval (start/end, .. for open) on the layer's time.",
        "schema": {"type": "string"},
    },
    "after": {
        "name": "after",
        "in": "query",
        "description": "Keyset paging: follow the next link rather than setting this by hand.",
        "schema": {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX},
    },
}


def _queryable_parameters(collection: Collection) -> list[dict]:
    parameters = []
    for queryable in collection.queryables:
        schema: dict = {"type": "boolean"} if queryable.boolean else {"type": "string"}
        if queryable.choices is not None:
            schema["enum"] = list(queryable.choices.values)
        parameters.append(
            {"name": queryable.name, "in": "query", "description": queryable.description, "schema": schema}
        )
    return parameters


def feature_schema(collection: Collection) -> dict:
    """A GeoJSON Feature of the collection, its properties typed."""
    return {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer", "readOnly": True},
            "geometry": {"type": "object", "description": f"GeoJSON {collection.geometry_type} in CRS84"},
            "properties": {
                "type": "object",
                "properties": {
                    name: {k: v for k, v in schema.items() if not k.startswith("x-ogc")}
                    for name, schema in property_schemas(collection).items()
                },
            },
        },
    }


# The errors an answer may be, each as its body's "description" explains it.
ERRORS = {
    "400": "The request or the feature is not valid: the description says what",
    "401": "No or wrong credentials: send an API token, or a user name and password",
    "403": "Your role or municipalities do not allow this (or a browser session without its CSRF token)",
    "404": "No such feature that you may read or edit",
    "406": "No representation in the format asked for",
    "409": "Other features still refer to this one",
    "412": "Stale ETag: the feature changed since you read it",
    "415": "The body is not GeoJSON (or, for PATCH, a JSON merge patch)",
}
CHANGE_ERRORS = ("400", "401", "403", "404", "406", "412", "415")


def _errors(*codes: str) -> dict:
    return {code: {"description": ERRORS[code]} for code in codes}


def _paths(collection: Collection) -> dict:
    items_path = f"/collections/{collection.id}/items"
    geojson = {"application/geo+json": {"schema": {"$ref": f"#/components/schemas/{collection.id}"}}}
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "integer"}}
    if_match = {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The ETag read: a 412 if the feature changed since. Without it the last write wins.",
        "schema": {"type": "string"},
    }
    merge_patch = {**geojson, "application/merge-patch+json": {"schema": {"type": "object"}}}
    allow = {"description": "No content; the Allow header lists what the caller may do"}
    ok = {"description": "OK"}
    saved_unseen = {"description": "Saved, but outside what the caller may read"}
    return {
        items_path: {
            "get": {
                "summary": f"Features of {collection.title}",
                "operationId": f"get_{collection.id}_items",
                "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in COMMON]
                + _queryable_parameters(collection),
                "responses": {
                    "200": {"description": "A page of features with a next link"},
                    **_errors("400", "401", "406"),
                },
            },
            "options": {
                "summary": "What the caller may do (Allow: POST for planners)",
                "operationId": f"options_{collection.id}_items",
                "responses": {"204": allow},
            },
            "post": {
                "summary": f"Add a feature to {collection.title} (planners)",
                "operationId": f"create_{collection.id}_item",
                "requestBody": {"required": True, "content": geojson},
                "responses": {
                    "201": {"description": "Created; Location and ETag headers"},
                    "204": saved_unseen,
                    **_errors("400", "401", "403", "406", "415"),
                },
            },
        },
        f"{items_path}/{{featureId}}": {
            "get": {
                "summary": "One feature, with its ETag",
                "operationId": f"get_{collection.id}_item",
                "parameters": [feature_id, {"$ref": "#/components/parameters/f"}],
                "responses": {"200": ok, **_errors("400", "401", "404", "406")},
            },
            "options": {
                "summary": "What the caller may do (Allow: PUT, PATCH, DELETE for planners)",
                "operationId": f"options_{collection.id}_item",
                "parameters": [feature_id],
                "responses": {"204": allow},
            },
            "put": {
                "summary": "Replace a feature",
                "operationId": f"replace_{collection.id}_item",
                "parameters": [feature_id, if_match],
                "requestBody": {"required": True, "content": geojson},
                "responses": {"200": ok, "204": saved_unseen, **_errors(*CHANGE_ERRORS)},
            },
            "patch": {
                "summary": "Update some properties or the geometry (a GeoJSON feature or a JSON merge patch)",
                "operationId": f"update_{collection.id}_item",
                "parameters": [feature_id, if_match],
                "requestBody": {"required": True, "content": merge_patch},
                "responses": {"200": ok, "204": saved_unseen, **_errors(*CHANGE_ERRORS)},
            },
            "delete": {
                "summary": "Delete a feature",
                "operationId": f"delete_{collection.id}_item",
                "parameters": [feature_id, if_match],
                "responses": {"204": ok, **_errors("401", "403", "404", "406", "409", "412")},
            },
        },
    }


def document(request: HttpRequest) -> dict:
    paths: dict = {
        "/": {
            "get": {"summary": "Landing page", "operationId": "landing", "responses": {"200": {"description": "OK"}}}
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "conformance",
                "responses": {"200": {"description": "OK"}},
            }
        },
        "/collections": {
            "get": {"summary": "Collections", "operationId": "collections", "responses": {"200": {"description": "OK"}}}
        },
    }
    for collection in COLLECTIONS.values():
        paths[f"/collections/{collection.id}"] = {
            "get": {
                "summary": str(collection.title),
                "operationId": f"describe_{collection.id}",
                "responses": {"200": {"description": "OK"}},
            }
        }
        for part, summary in (("schema", "Properties and their types"), ("queryables", "Filters")):
            paths[f"/collections/{collection.id}/{part}"] = {
                "get": {
                    "summary": f"{summary} of {collection.title} (JSON Schema)",
                    "operationId": f"{part}_{collection.id}",
                    "responses": {"200": {"description": "OK"}},
                }
            }
        paths.update(_paths(collection))
    return {
        "openapi": "3.0.3",
        "info": {"title": "gisportal OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": request.build_absolute_uri("/ogc")}],
        "paths": paths,
        "components": {
            "parameters": COMMON,
            "schemas": {c.id: feature_schema(c) for c in COLLECTIONS.values()},
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
        "security": [{"token": []}, {"basic": []}],
    }
