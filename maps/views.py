"""Citizen map pages and the small JSON endpoints they read. Public: no login, no personal data."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from gisportal import spaces
from layers.models import Municipality, ServicePoint
from maps import basemap, builders, picture, selectors

MAX_ZOOM = 22


class BadQuery(ValueError):
    """A query parameter a citizen's browser (or anyone) got wrong: answered with a 400 and its reason."""


def _frame(code: str) -> selectors.MunicipalityFrame:
    frame = selectors.municipality_frame(code)
    if frame is None:
        raise Http404(gettext("No municipality has the code %(code)s.") % {"code": code})
    return frame


def _links(code: str | None) -> builders.MapLinks:
    return builders.MapLinks(
        complaints=reverse("maps:complaints"),
        basemap=None if settings.BASEMAP_TILE_URL else basemap.url_template(),
        nearest_service=reverse("maps:nearest-service", args=[code]) if code else None,
        collection_day=reverse("maps:collection-day", args=[code]) if code else None,
        places=reverse("maps:places", args=[code]) if code else None,
    )


def _page(request: HttpRequest, title: str, code: str | None, rendered: builders.RenderedMap) -> HttpResponse:
    return render(request, "maps/map_page.html", {"title": title, "code": code, "map": rendered})


@require_GET
@gzip_page
def municipality(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    frame = _frame(code)
    name = frame.name_ar if request.LANGUAGE_CODE == "ar" else frame.name_fr
    if kind == "districts":  # the map, and under it the districts' ranking in words
        m, standings = builders.districts_page(frame, _links(code))
        context = {"title": name, "code": code, "map": builders.render_parts(m), "standings": standings}
        return render(request, "maps/map_page.html", context)
    rendered = builders.render_parts(builders.MAPS[kind](frame, _links(code)))
    if kind == "home":  # the municipality's own page: its participation spaces under the map
        municipality = Municipality.objects.get(code=code)
        context = {"title": name, "code": code, "map": rendered, "spaces": spaces.of(municipality)}
        return render(request, "maps/map_page.html", context)
    return _page(request, name, code, rendered)


@dataclass(frozen=True)
class Finder:
    """The list and search of municipalities on the national page: it works without JavaScript."""

    query: str
    found: list[selectors.MunicipalityEntry]
    by_governorate: list[tuple[str, list[selectors.MunicipalityEntry]]]

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.by_governorate)


@require_GET
@gzip_page
def national(request: HttpRequest) -> HttpResponse:
    """Every municipality on a map, with a search (name in either script, or code) and the list by governorate."""
    arabic = request.LANGUAGE_CODE == "ar"
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    found = selectors.municipalities_matching(query, arabic=arabic) if query else []
    if len(found) == 1:
        return redirect("maps:municipality", found[0].code)
    rendered = builders.render_parts(builders.national_map(_links(None)))
    finder = Finder(query, found, selectors.municipalities_by_governorate(arabic=arabic))
    context = {"title": gettext("All municipalities"), "code": None, "map": rendered, "finder": finder}
    return render(request, "maps/map_page.html", context)


MVT = "application/vnd.mapbox-vector-tile"


@require_GET
@transaction.non_atomic_requests  # a read: no transaction to open and commit around each tile
def basemap_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """A tile of the portal's basemap: public data only, the same for everyone, so shared caches may keep it."""
    try:
        found = basemap.tile(z, x, y)
    except basemap.NoSuchTile as missing:
        return JsonResponse({"error": str(missing)}, status=404)
    headers = {"ETag": found.etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("If-None-Match") == found.etag:
        return HttpResponse(status=304, headers=headers)
    if not found.data:
        return HttpResponse(status=204, headers=headers)
    return HttpResponse(found.data, content_type=MVT, headers=headers)


@require_GET
@gzip_page
@cache_control(public=True, max_age=86400)
def municipality_outlines(request: HttpRequest) -> HttpResponse:
    """Every municipality's simplified boundary: what a map without a basemap draws to orient the citizen."""
    geojson = selectors.municipalities_geojson(arabic=request.LANGUAGE_CODE == "ar")
    return HttpResponse(geojson, content_type="application/geo+json")


def _float(request: HttpRequest, name: str, low: float, high: float) -> float:
    try:
        value = float(request.GET[name])
    except KeyError:
        raise BadQuery(gettext("The parameter %(name)s is missing.") % {"name": name}) from None
    except ValueError:
        raise BadQuery(gettext("The parameter %(name)s must be a number.") % {"name": name}) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise BadQuery(gettext("The parameter %(name)s is out of range.") % {"name": name})
    return value


def _bbox(request: HttpRequest) -> tuple[float, float, float, float]:
    parts = request.GET.get("bbox", "").split(",")
    if len(parts) != 4:
        raise BadQuery(gettext("bbox must be west,south,east,north in degrees."))
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise BadQuery(gettext("bbox must be west,south,east,north in degrees.")) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadQuery(gettext("bbox must be west,south,east,north in degrees."))
    return west, south, east, north


def _bad(error: BadQuery) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


@require_GET
@gzip_page
@cache_control(public=True, max_age=60)
def complaints_in_view(request: HttpRequest) -> HttpResponse:
    """Complaints in a bounding box: points when few, counts per grid cell when dense; never personal data."""
    try:
        bbox = _bbox(request)
        zoom = int(_float(request, "zoom", 0, MAX_ZOOM))
        state = request.GET.get("state", "open")
        if state not in selectors.STATES:
            raise BadQuery(gettext("state must be one of: %(states)s.") % {"states": ", ".join(selectors.STATES)})
    except BadQuery as error:
        return _bad(error)
    body = selectors.complaints_in_view(bbox, zoom, state)
    return HttpResponse(body, content_type="application/geo+json")


def _here(request: HttpRequest) -> tuple[float, float]:
    return _float(request, "lon", -180, 180), _float(request, "lat", -90, 90)


@require_GET
def nearest_service(request: HttpRequest, code: str) -> JsonResponse:
    """The in-service point of the municipality nearest to where the citizen taps or is: of the kinds she asks for
    (`kind`, repeated: what she chose, or the layers shown on her map), else of any kind."""
    frame = _frame(code)
    kinds = request.GET.getlist("kind")
    try:
        lon, lat = _here(request)
        if unknown := set(kinds) - set(ServicePoint.Kind.values):
            raise BadQuery(gettext("Unknown kind of service: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    except BadQuery as error:
        return _bad(error)
    nearest = selectors.nearest_service(lon, lat, builders.kind_names(), municipality_id=frame.id, kinds=kinds or None)
    if nearest is not None:
        nearest["kind_label"] = str(ServicePoint.Kind(nearest["kind"]).label)
        nearest["distance"] = builders.metres_label(nearest["distance_m"])
    return JsonResponse({"nearest": nearest})


@require_GET
def collection_day(request: HttpRequest, code: str) -> JsonResponse:
    """When is my street collected? The nearest route of the municipality, its days and time window, how far it
    passes, and whether that is too far to be sure it serves the street."""
    frame = _frame(code)
    try:
        lon, lat = _here(request)
    except BadQuery as error:
        return _bad(error)
    route = selectors.nearest_route(lon, lat, municipality_id=frame.id)
    if route is None:
        return JsonResponse({"route": None})
    route["days_label"] = builders.days_label(route["days"])
    route["distance"] = builders.metres_label(route["distance_m"])
    route["far"] = route["distance_m"] > builders.FAR_ROUTE_M
    return JsonResponse(route)


@require_GET
def places(request: HttpRequest, code: str) -> JsonResponse:
    """Search a place by name (streets, districts, gazetteer places, named service points), for the lookup box."""
    frame = _frame(code)
    query = request.GET.get("q", "").strip()
    if not 2 <= len(query) <= 100:
        return _bad(BadQuery(gettext("Type between 2 and 100 letters of the place's name.")))
    found = selectors.places_named(query, municipality_id=frame.id, arabic=request.LANGUAGE_CODE == "ar")
    return JsonResponse({"places": found})


@require_GET
@cache_control(public=True, max_age=3600)
def map_picture(request: HttpRequest) -> HttpResponse:
    """A small picture of the basemap around a point (with a pin at its centre if `pin=1`): the map of pages
    without JavaScript."""
    try:
        lon, lat = _here(request)
        view = picture.at(lon, lat, int(request.GET.get("z", "")), request.GET.get("size", "choose"))
    except BadQuery as error:
        return _bad(error)
    except ValueError:  # no whole zoom, or out of range
        return _bad(BadQuery(gettext("The picture's zoom or size is not one the maps have.")))
    pinned = request.GET.get("pin") == "1"
    title = gettext("The place on the map") if pinned else gettext("The map around the place")
    body = picture.svg(view, arabic=request.LANGUAGE_CODE == "ar", pin=pinned, title=title)
    # An image, never a page: nothing in it may run or load, even opened on its own.
    headers = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    return HttpResponse(body, content_type="image/svg+xml", headers=headers)
