"""A request carrying a NUL character is refused at the door, with a 400 and a plain message.

PostgreSQL text cannot hold NUL: a `%00` in a path, a query string, a cookie or a form field would reach a query
and fail there (a 500). Checked once here rather than in every view that reads a parameter.
"""

import re
import secrets
from collections.abc import Callable
from urllib.parse import unquote_plus, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext

NUL = "\x00"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Open311 answers every bad request in the GeoReport errors format its clients parse, NUL included.
OWN_ERROR_FORMAT = ("/open311/",)


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or NUL in unquote_plus(request.META.get("QUERY_STRING", "")):
        return True
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return True
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return False  # JSON bodies go to DRF, whose text fields refuse NUL themselves
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # Photos or a layer file: the view refuses an oversized body unread (413), and its form's text fields
        # refuse NUL themselves; a form's text alone is parsed here, as Django would parse it anyway.
        return False
    try:
        fields = list(request.POST.lists())  # (Django keeps only the printable characters of a file's name)
    except MultiPartParserError:
        return False  # a broken body is the view's to refuse, as without this middleware
    return any(NUL in name or any(NUL in value for value in values) for name, values in fields)


def _api_error(path: str, message: str) -> dict[str, str] | None:
    """The APIs answer errors as JSON, as their OpenAPI documents say: OGC's {code, description}, DRF's {detail}."""
    if path == "/ogc" or path.startswith("/ogc/"):
        return {"code": "InvalidParameterValue", "description": message}
    if path.startswith(("/api/", "/tiles/")):
        return {"detail": message}
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(OWN_ERROR_FORMAT) or not carries_nul(request):
            return self.get_response(request)
        # Before LocaleMiddleware (sessions read cookies): the language is the path's (/ar/, /en/), else the default.
        with translation.override(translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE):
            message = gettext("Bad request: the address or a form field holds a NUL character.")
        if body := _api_error(request.path_info, message):
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


# Staff pages whose widgets (GeoDjango's map editor, Swagger UI) bring inline scripts of their own.
CSP_EXEMPT = re.compile(r"^/(?:(?:ar|en)/)?admin/|^/api/docs/")


class ContentSecurityPolicyMiddleware:
    """Scripts only from the portal itself or carrying this response's nonce (`request.csp_nonce`, which the map
    pages put on Folium's scripts): an injected <script> or onerror= never runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)  # type: ignore[attr-defined]
        response = self.get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and "Content-Security-Policy" not in response and not CSP_EXEMPT.match(request.path_info):
            response["Content-Security-Policy"] = policy(request.csp_nonce)  # type: ignore[attr-defined]
        return response


def policy(nonce: str) -> str:
    tiles = urlsplit(settings.BASEMAP_TILE_URL)  # a raster basemap of the municipality's own, if configured
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.scheme and tiles.netloc else ""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:{tile_origin}; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
