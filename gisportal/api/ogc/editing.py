"""OGC API - Features Part 4: planners add, replace, update and delete features.

What QGIS 3.32+ sends is accepted: it discovers editing with OPTIONS (the `Allow` header), changes a
feature without If-Match, and updates with a JSON merge patch (`application/merge-patch+json`, no
`"type": "Feature"`). Optimistic locking where the client asks for it: every feature carries an ETag,
and a change that sends If-Match is refused with a 412 when someone else changed the feature in between.
Without If-Match the last write wins, and the layer history keeps the version it replaced (restorable).
"""

import hashlib
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from gisportal.api import auth, parsing, selectors, services
from gisportal.api.collections import Collection
from gisportal.api.ogc.params import CRS84
from gisportal.api.ogc.responses import GEOJSON, error, raw_json_response, url
from layers.selectors import Scope, scope

MERGE_PATCH = "application/merge-patch+json"
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def allowed_methods(request: HttpRequest, collection: Collection, *, one_feature: bool) -> list[str]:
    """What the caller may do here: QGIS enables adding, changing and deleting from this list."""
    if scope(collection.model, request.user, for_edit=True) is Scope.NONE:
        return list(READ_METHODS)
    return [*READ_METHODS, *(("PUT", "PATCH", "DELETE") if one_feature else ("POST",))]


def options(request: HttpRequest, collection: Collection, *, one_feature: bool) -> HttpResponse:
    """OPTIONS: 204 with `Allow` (no CORS preflight needed: a desktop client asks it directly)."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(allowed_methods(request, collection, one_feature=one_feature))
    if one_feature:
        response["Accept-Patch"] = f"{MERGE_PATCH}, application/geo+json"
    return response


def etag_of(feature_text: str) -> str:
    return '"' + hashlib.sha256(feature_text.encode()).hexdigest()[:32] + '"'


def _refused(request: HttpRequest, collection: Collection) -> HttpResponse | None:
    """Why the caller may not write here, or None."""
    if auth.uses_session(request):
        rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
        if rejected is not None:
            return error(
                403, "Forbidden", "Browser sessions must send the CSRF token; scripts should use an API token."
            )
    if scope(collection.model, request.user, for_edit=True) is Scope.NONE:
        return error(403, "Forbidden", f"You may not edit {collection.id}.")
    return None


class UnsupportedMediaType(ValueError):
    """A body that is no JSON (a form, plain text): a 415."""


def _read_feature(request: HttpRequest) -> tuple[dict[str, Any], GEOSGeometry | None]:
    """The properties and geometry of the GeoJSON feature (or, for PATCH, the merge patch) in the body."""
    patch = request.method == "PATCH"
    accepted = {"application/geo+json", "application/json", *((MERGE_PATCH,) if patch else ())}
    if request.content_type not in accepted:
        raise UnsupportedMediaType(
            "Send a GeoJSON feature as application/geo+json"
            + (f", or a merge patch as {MERGE_PATCH}." if patch else ".")
        )
    content_crs = request.headers.get("Content-Crs", CRS84).strip().strip("<>")
    if content_crs != CRS84:
        raise ValidationError({"Content-Crs": f"Only {CRS84} is supported, not {content_crs!r}."})
    body = parsing.json_body(request.body)
    # A merge patch (what QGIS sends) holds only what changes: "type" may be left out, never be another type.
    if not isinstance(body, dict) or body.get("type", "Feature" if patch else None) != "Feature":
        raise ValidationError({"body": 'The body must be a GeoJSON object with "type": "Feature".'})
    properties = {} if body.get("properties") is None else body["properties"]
    if not isinstance(properties, dict):
        raise ValidationError({"properties": "properties must be an object."})
    geometry = parsing.geometry(body["geometry"]) if body.get("geometry") is not None else None
    return properties, geometry


def _validation_error(invalid: ValidationError) -> HttpResponse:
    details = invalid.message_dict if hasattr(invalid, "error_dict") else {"feature": invalid.messages}
    messages = "; ".join(f"{field}: {' '.join(map(str, errs))}" for field, errs in details.items())
    response = error(400, "InvalidFeature", messages)
    return response


def _feature_response(request: HttpRequest, collection: Collection, pk: int, status: int) -> HttpResponse:
    feature_text = selectors.feature_json(collection, request.user, pk)
    if feature_text is None:  # saved, but outside what the user may read: say so rather than fail
        return HttpResponse(status=204)
    response = raw_json_response(feature_text, status=status, content_type=GEOJSON)
    response["ETag"] = etag_of(feature_text)
    return response


def create(request: HttpRequest, collection: Collection) -> HttpResponse:
    if refused := _refused(request, collection):
        return refused
    try:
        properties, geometry = _read_feature(request)
        feature = services.save_feature(
            collection=collection,
            user=request.user,
            instance=collection.model(),
            properties=properties,
            geometry=geometry,
        )
    except UnsupportedMediaType as unsupported:
        return error(415, "UnsupportedMediaType", str(unsupported))
    except ValidationError as invalid:
        return _validation_error(invalid)
    except PermissionDenied as denied:
        return error(403, "Forbidden", str(denied))
    response = _feature_response(request, collection, feature.pk, 201)
    response["Location"] = url(request, f"/ogc/collections/{collection.id}/items/{feature.pk}")
    return response


def change(request: HttpRequest, collection: Collection, feature_id: int) -> HttpResponse:
    """PUT (replace), PATCH (update the given properties and geometry) or DELETE; If-Match honoured when sent."""
    if refused := _refused(request, collection):
        return refused
    # Locks the row until the request's transaction ends, so the ETag check and the write are one step.
    current = selectors.feature_json(collection, request.user, feature_id, for_update=True)
    if current is None:
        return error(404, "NotFound", f"No feature {feature_id} in {collection.id} that you may edit.")
    if_match = request.headers.get("If-Match")
    # No If-Match (QGIS sends none): the write goes through, and the history keeps the version it replaces.
    if if_match is not None and if_match != "*" and etag_of(current) not in {t.strip() for t in if_match.split(",")}:
        return error(412, "PreconditionFailed", "The feature changed since you read it: read it again, then retry.")
    instance = collection.model._default_manager.get(pk=feature_id)
    if request.method == "DELETE":
        try:
            services.delete_feature(instance=instance)
        except ProtectedError:
            return error(409, "Conflict", "Other features still refer to this one; remove them first.")
        return HttpResponse(status=204)
    try:
        properties, geometry = _read_feature(request)
        if request.method == "PUT" and geometry is None:
            raise ValidationError({"geometry": "A replacement feature needs a geometry."})
        services.save_feature(
            collection=collection,
            user=request.user,
            instance=instance,
            properties=properties,
            geometry=geometry,
            replace=request.method == "PUT",
        )
    except UnsupportedMediaType as unsupported:
        return error(415, "UnsupportedMediaType", str(unsupported))
    except ValidationError as invalid:
        return _validation_error(invalid)
    except PermissionDenied as denied:
        return error(403, "Forbidden", str(denied))
    return _feature_response(request, collection, feature_id, 200)
