"""/tiles/{layer}/{z}/{x}/{y}.pbf and /tiles/{layer}.json (TileJSON 3.0)."""

from django.http import HttpRequest, HttpResponse

from gisportal.api import selectors, tiles
from gisportal.api.collections import Collection
from gisportal.api.ogc.responses import error, json_response, url
from gisportal.api.ogc.views import known_collection, staff_only

MVT = "application/vnd.mapbox-vector-tile"
# Tiles depend on who asks (scoping): browsers may keep them briefly, shared caches never.
CACHE_CONTROL = "private, max-age=60, must-revalidate"


@staff_only
@known_collection
def vector_tile(request: HttpRequest, collection: Collection, z: int, x: int, y: int) -> HttpResponse:
    try:
        found = tiles.tile(collection, request.user, z, x, y)
    except tiles.NoSuchTile as missing:
        return error(404, "NotFound", str(missing))
    headers = {"ETag": found.etag, "Cache-Control": CACHE_CONTROL}
    if request.headers.get("If-None-Match") == found.etag:
        return HttpResponse(status=304, headers=headers)
    if not found.data:
        return HttpResponse(status=204, headers=headers)
    return HttpResponse(found.data, content_type=MVT, headers=headers)


@staff_only
@known_collection
def tilejson(request: HttpRequest, collection: Collection) -> HttpResponse:
    extent = selectors.extent(collection, request.user)
    fields = {name: name for name in collection.tile_properties}
    if collection.cluster_below is not None:
        fields["count"] = f"features in the grid cell, below zoom {collection.cluster_below}"
    document = {
        "tilejson": "3.0.0",
        "name": str(collection.title),
        "scheme": "xyz",
        "tiles": [url(request, f"/tiles/{collection.id}/") + "{z}/{x}/{y}.pbf"],
        "minzoom": collection.min_zoom,
        "maxzoom": collection.max_zoom,
        "vector_layers": [
            {
                "id": collection.id,
                "fields": fields,
                "minzoom": collection.min_zoom,
                "maxzoom": collection.max_zoom,
            }
        ],
    }
    if extent.bbox:
        document["bounds"] = list(extent.bbox)
    return json_response(document)
