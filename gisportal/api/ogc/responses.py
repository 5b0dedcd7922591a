"""JSON or HTML, links, and OGC-style error bodies."""

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


class NotAcceptable(ValueError):
    pass


def wants_html(request: HttpRequest) -> bool:
    """`f=html|json` wins; otherwise the Accept header (browsers ask for HTML, GDAL and scripts for JSON)."""
    f = request.GET.get("f")
    if f is not None:
        if f not in {"json", "html"}:
            raise NotAcceptable(f"f must be json or html, not {f!r}.")
        return f == "html"
    accept = request.headers.get("Accept", "")
    html_at, json_at = accept.find("text/html"), accept.find("json")
    return html_at != -1 and (json_at == -1 or html_at < json_at)


def url(request: HttpRequest, path: str, **query: str | int) -> str:
    """An absolute link; query values that are empty strings are left out."""
    pairs = urlencode({k: v for k, v in query.items() if v != ""}, safe=",:/")
    return request.build_absolute_uri(path) + (f"?{pairs}" if pairs else "")


def twin_links(request: HttpRequest, path: str, title: str, as_html: bool, json_type: str = JSON) -> list[dict]:
    """self and alternate: every page links its JSON and HTML twin."""
    json_link = {"href": url(request, path, f="json"), "type": json_type, "title": f"{title} (JSON)"}
    html_link = {"href": url(request, path, f="html"), "type": HTML, "title": f"{title} (HTML)"}
    return [
        {**(html_link if as_html else json_link), "rel": "self"},
        {**(json_link if as_html else html_link), "rel": "alternate"},
    ]


def json_response(data: Any, *, status: int = 200, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(json.dumps(data, default=str), status=status, content_type=content_type)


def raw_json_response(body: str, *, status: int = 200, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=content_type)


def error(status: int, code: str, description: str) -> HttpResponse:
    return json_response({"code": code, "description": description}, status=status)


def unauthorised() -> HttpResponse:
    response = error(
        401, "NotAuthenticated", "Staff credentials are required: an API token or a user name and password."
    )
    response["WWW-Authenticate"] = 'Basic realm="gisportal"'
    return response


def html_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return render(request, f"api/ogc/{template}", context, status=status)
