"""OGC API - Features at /ogc: Part 1 (core, GeoJSON, HTML, OpenAPI 3.0) and Part 4 (create, replace, update, delete).

Views stay thin: parameters are parsed in `params`, reads come from `gisportal.api.selectors`
(scoped through `layers.selectors`), writes go through `gisportal.api.services`.
"""

import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gisportal.accounts import roles
from gisportal.api import auth, selectors
from gisportal.api.collections import COLLECTIONS, Collection
from gisportal.api.ogc import editing, openapi, schemas
from gisportal.api.ogc.params import CRS84, BadParameter, parse_items_query
from gisportal.api.ogc.responses import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI,
    NotAcceptable,
    error,
    html_page,
    json_response,
    raw_json_response,
    twin_links,
    unauthorised,
    url,
    wants_html,
)
from gisportal.api.transactions import atomic_writes
from layers.selectors import Scope, scope

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/core-roles-features",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/returnables-and-receivables",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables-query-parameters",
]

View = Callable[..., HttpResponse]


def negotiated(view: View) -> View:
    """Turns a bad `f` into a 406 before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            as_html = wants_html(request)
        except NotAcceptable as refused:
            return error(406, "NotAcceptable", str(refused))
        return view(request, *args, as_html=as_html, **kwargs)

    return wrapper


@negotiated
def landing(request: HttpRequest, as_html: bool = False) -> HttpResponse:
    links = [
        *twin_links(request, "/ogc", _("Landing page"), as_html),
        {"rel": "service-desc", "href": url(request, "/ogc/api"), "type": OPENAPI, "title": _("API definition")},
        {
            "rel": "service-doc",
            "href": url(request, "/ogc/api", f="html"),
            "type": HTML,
            "title": _("API documentation"),
        },
        {"rel": "conformance", "href": url(request, "/ogc/conformance"), "type": JSON, "title": _("Conformance")},
        {"rel": "data", "href": url(request, "/ogc/collections"), "type": JSON, "title": _("Collections")},
    ]
    page = {
        "title": _("gisportal: municipal layers"),
        "description": _("Waste collection routes, service points, complaints and districts of the municipalities."),
        "links": links,
    }
    if as_html:
        return html_page(request, "landing.html", {"page": page})
    return json_response(page)


@negotiated
def conformance(request: HttpRequest, as_html: bool = False) -> HttpResponse:
    if as_html:
        return html_page(request, "conformance.html", {"conforms_to": CONFORMANCE})
    return json_response({"conformsTo": CONFORMANCE})


@negotiated
def api_document(request: HttpRequest, as_html: bool = False) -> HttpResponse:
    document = openapi.document(request)
    if as_html:
        return html_page(request, "api.html", {"document": document})
    return json_response(document, content_type=OPENAPI)


def collection_metadata(request: HttpRequest, collection: Collection) -> dict:
    extent = selectors.extent(collection, request.user)
    path = f"/ogc/collections/{collection.id}"
    metadata: dict = {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            {"rel": "self", "href": url(request, path), "type": JSON, "title": str(collection.title)},
            {"rel": "items", "href": url(request, f"{path}/items"), "type": GEOJSON, "title": _("Features")},
            {"rel": "items", "href": url(request, f"{path}/items", f="html"), "type": HTML, "title": _("Features")},
            {
                "rel": schemas.REL_SCHEMA,
                "href": url(request, f"{path}/schema"),
                "type": schemas.SCHEMA_JSON,
                "title": _("Properties and their types"),
            },
            {  # GDAL's OAPIF driver reads its field types from a GeoJSON Feature's schema, so spelt
                "rel": "describedBy",
                "href": url(request, f"{path}/schema", form="geojson"),
                "type": schemas.SCHEMA_JSON,
                "title": _("Properties and their types"),
            },
            {
                "rel": schemas.REL_QUERYABLES,
                "href": url(request, f"{path}/queryables"),
                "type": schemas.SCHEMA_JSON,
                "title": _("Filters"),
            },
            {
                "rel": "describedby",
                "href": url(request, "/ogc/api"),
                "type": OPENAPI,
                "title": _("Properties and filters"),
            },
        ],
        "extent": {},
    }
    if extent.bbox:
        metadata["extent"]["spatial"] = {"bbox": [list(extent.bbox)], "crs": CRS84}
    if extent.interval:
        start, end = extent.interval
        metadata["extent"]["temporal"] = {
            "interval": [[start.isoformat() if start else None, end.isoformat() if end else None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return metadata


def visible_collections(user: roles.User) -> list[Collection]:
    return [c for c in COLLECTIONS.values() if scope(c.model, user) is not Scope.NONE]


def staff_only(view: View) -> View:
    """Layers are staff data (analysts, planners): anyone else gets a 401 that QGIS and GDAL understand."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = auth.request_user(request)
        if roles.role_of(user) is None:
            return unauthorised()
        request.user = user
        return view(request, *args, **kwargs)

    return wrapper


@negotiated
@staff_only
def collections(request: HttpRequest, as_html: bool = False) -> HttpResponse:
    page = {
        "links": twin_links(request, "/ogc/collections", _("Collections"), as_html),
        "collections": [collection_metadata(request, c) for c in visible_collections(request.user)],
    }
    if as_html:
        return html_page(request, "collections.html", {"page": page})
    return json_response(page)


def known_collection(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, collection_id: str, *args: object, **kwargs: object) -> HttpResponse:
        collection = COLLECTIONS.get(collection_id)
        if collection is None or scope(collection.model, request.user) is Scope.NONE:
            return error(404, "NotFound", f"No collection {collection_id!r}.")
        return view(request, collection, *args, **kwargs)

    return wrapper


@negotiated
@staff_only
@known_collection
def collection(request: HttpRequest, collection: Collection, as_html: bool = False) -> HttpResponse:
    metadata = collection_metadata(request, collection)
    metadata["links"] = twin_links(request, f"/ogc/collections/{collection.id}", str(collection.title), as_html) + [
        link for link in metadata["links"] if link["rel"] != "self"
    ]
    if as_html:
        return html_page(request, "collection.html", {"collection": metadata})
    return json_response(metadata)


@staff_only
@known_collection
def schema(request: HttpRequest, collection: Collection) -> HttpResponse:
    """Part 5's schema of the properties; `form=geojson`: the same types as a GeoJSON Feature's schema (GDAL)."""
    form = request.GET.get("form", "properties")
    if form not in {"properties", "geojson"}:
        return error(400, "InvalidParameterValue", "form must be properties or geojson.")
    if form == "geojson":
        document = {"$schema": schemas.DIALECT, **openapi.feature_schema(collection)}
        return json_response(document, content_type=schemas.SCHEMA_JSON)
    return json_response(schemas.feature_schema(request, collection), content_type=schemas.SCHEMA_JSON)


@staff_only
@known_collection
def queryables(request: HttpRequest, collection: Collection) -> HttpResponse:
    return json_response(schemas.queryables(request, collection), content_type=schemas.SCHEMA_JSON)


def not_allowed(request: HttpRequest, collection: Collection, reason: str, *, one_feature: bool) -> HttpResponse:
    response = error(405, "MethodNotAllowed", reason)
    response["Allow"] = ", ".join(editing.allowed_methods(request, collection, one_feature=one_feature))
    return response


@csrf_exempt
@staff_only
@known_collection
def no_such_item(request: HttpRequest, collection: Collection, feature_id: str) -> HttpResponse:
    """A feature id that is no number: none exists, but OPTIONS still says what may be done to features.

    QGIS asks `OPTIONS …/items/unknown_id` on an empty layer to learn whether it may change and delete.
    """
    if request.method == "OPTIONS":
        return editing.options(request, collection, one_feature=True)
    return error(404, "NotFound", f"No feature {feature_id!r} in {collection.id}: feature ids are numbers.")


@csrf_exempt  # scripts send a token; browser sessions are checked in `editing`
@atomic_writes
@negotiated
@staff_only
@known_collection
def items(request: HttpRequest, collection: Collection, as_html: bool = False) -> HttpResponse:
    if request.method == "OPTIONS":
        return editing.options(request, collection, one_feature=False)
    if request.method == "POST":
        return editing.create(request, collection)
    if request.method not in {"GET", "HEAD"}:
        return not_allowed(request, collection, "Use GET to read features or POST to add one.", one_feature=False)
    try:
        where, limit, after = parse_items_query(collection, request.GET)
    except BadParameter as bad:
        return error(400, "InvalidParameterValue", str(bad))
    page = selectors.feature_page(
        collection,
        request.user,
        where,
        limit=limit,
        after=(after, after) if after is not None else None,
        count=not as_html,
    )
    path = f"/ogc/collections/{collection.id}/items"
    query = {k: str(v) for k, v in request.GET.items() if k not in {"after", "f"}}
    query["after"] = request.GET.get("after", "")
    json_link = {"href": url(request, path, **query), "type": GEOJSON, "title": _("Features (GeoJSON)")}
    html_link = {"href": url(request, path, **query, f="html"), "type": HTML, "title": _("Features (HTML)")}
    links = (
        [{**html_link, "rel": "self"}, {**json_link, "rel": "alternate"}]
        if as_html
        else [
            {**json_link, "rel": "self"},
            {**html_link, "rel": "alternate"},
        ]
    )
    if page.has_more:
        query["after"] = str(page.last_key[1]) if page.last_key else ""
        next_href = url(request, path, **query, f="html") if as_html else url(request, path, **query)
        links.append({"rel": "next", "href": next_href, "type": HTML if as_html else GEOJSON, "title": _("Next page")})
    links.append({"rel": "collection", "href": url(request, f"/ogc/collections/{collection.id}"), "type": JSON})
    stamp = timezone.now().isoformat(timespec="seconds")
    if as_html:
        features = json.loads(page.features_json)
        return html_page(
            request,
            "items.html",
            {"collection": collection, "features": features, "links": links, "properties": collection.published},
        )
    # The features arrive as JSON text from PostGIS and are spliced in, never parsed and re-encoded.
    head_members: dict = {"type": "FeatureCollection", "numberReturned": page.returned}
    if page.matched is not None:  # the same on every page: what the filter matches, not what is left
        head_members["numberMatched"] = page.matched
    head = json.dumps({**head_members, "timeStamp": stamp, "links": links})
    return raw_json_response(f'{head[:-1]}, "features": {page.features_json}}}', content_type=GEOJSON)


@csrf_exempt
@atomic_writes
@negotiated
@staff_only
@known_collection
def item(request: HttpRequest, collection: Collection, feature_id: int, as_html: bool = False) -> HttpResponse:
    if request.method == "OPTIONS":
        return editing.options(request, collection, one_feature=True)
    if request.method in {"PUT", "PATCH", "DELETE"}:
        return editing.change(request, collection, feature_id)
    if request.method not in {"GET", "HEAD"}:
        return not_allowed(request, collection, "Use GET, PUT, PATCH or DELETE on a feature.", one_feature=True)
    if set(request.GET) - {"f"}:
        return error(400, "InvalidParameterValue", "A single feature accepts only the f parameter.")
    feature_text = selectors.feature_json(collection, request.user, feature_id)
    if feature_text is None:
        return error(404, "NotFound", f"No feature {feature_id} in {collection.id}.")
    etag = editing.etag_of(feature_text)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    path = f"/ogc/collections/{collection.id}/items/{feature_id}"
    links = [
        *twin_links(request, path, _("Feature"), as_html, GEOJSON),
        {"rel": "collection", "href": url(request, f"/ogc/collections/{collection.id}"), "type": JSON},
    ]
    if as_html:
        feature = json.loads(feature_text)
        response = html_page(request, "item.html", {"collection": collection, "feature": feature, "links": links})
    else:
        response = raw_json_response(f'{feature_text[:-1]}, "links": {json.dumps(links)}}}', content_type=GEOJSON)
    response["ETag"] = etag
    return response
