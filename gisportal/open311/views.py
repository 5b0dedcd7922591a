"""The GeoReport v2 endpoints at /open311/v2/. Each view parses, calls a selector or service, formats."""

import datetime
import math
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gisportal.api import parsing
from gisportal.complaints import abuse, intake, photos, services
from gisportal.complaints import selectors as complaint_selectors
from gisportal.complaints.models import ApiKey
from gisportal.open311 import selectors
from gisportal.open311.formats import errors, respond
from layers.models import Complaint, Municipality

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ATTRIBUTE_KEY = re.compile(r"^attribute\[([\w-]{1,40})\]$")
MAX_IDS = 200


class BadQuery(Exception):
    """A query parameter GeoReport clients must fix (400)."""


class UnknownJurisdiction(Exception):
    """jurisdiction_id names no municipality (404)."""


def _jurisdiction(request: HttpRequest) -> Municipality | None:
    code = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    if not code:
        return None
    found = selectors.municipality(code)
    if found is None:
        raise UnknownJurisdiction(code)
    return found


def _moment(request: HttpRequest, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+" left unescaped in a query string reads as a space
    except ValueError:  # 2026-02-30T00:00:00Z
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadQuery(_("%(name)s must be a W3C date and time, e.g. 2026-01-01T00:00:00Z") % {"name": name})
    try:
        return parsing.bounded_instant(moment, name)
    except parsing.BadParameter:
        raise BadQuery(
            _("%(name)s must lie between the years %(first)d and %(last)d")
            % {"name": name, "first": parsing.EARLIEST.year, "last": parsing.LATEST.year}
        ) from None


def _positive(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= maximum:
        raise BadQuery(_("%(name)s must be a whole number from 1 to %(max)d") % {"name": name, "max": maximum})
    return int(raw)


def _list(request: HttpRequest, name: str) -> list[str]:
    return [item.strip() for item in request.GET.get(name, "").split(",") if item.strip()]


def _request_query(request: HttpRequest) -> selectors.RequestQuery:
    ids = [code.upper() for code in _list(request, "service_request_id")]
    if len(ids) > MAX_IDS:
        raise BadQuery(_("At most %(n)d service_request_id at once") % {"n": MAX_IDS})
    codes = _list(request, "service_code")
    if unknown := set(codes) - set(Complaint.Category.values):
        raise BadQuery(_("Unknown service_code: %(code)s") % {"code": sorted(unknown)[0]})
    statuses = _list(request, "status")
    if set(statuses) - {"open", "closed"}:
        raise BadQuery(_("status must be open, closed or both"))
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    if start and end and end < start:
        raise BadQuery(_("end_date is before start_date"))
    if start and end and end - start > selectors.DEFAULT_WINDOW:
        raise BadQuery(_("start_date and end_date may not span more than 90 days"))
    if start and not end:
        end = start + selectors.DEFAULT_WINDOW
    return selectors.RequestQuery(
        ids=ids,
        service_codes=codes,
        start=start,
        end=end,
        statuses=sorted(set(statuses)),
        updated_after=_moment(request, "updated_after"),
        updated_before=_moment(request, "updated_before"),
        jurisdiction=_jurisdiction(request),
        page=_positive(request, "page", 1, 100_000),
        page_size=_positive(request, "page_size", selectors.MAX_PAGE_SIZE, selectors.MAX_PAGE_SIZE),
        extensions=request.GET.get("extensions", "").lower() == "true",
    )


def _media_root(request: HttpRequest) -> str:
    return request.build_absolute_uri(settings.MEDIA_URL)


def _handled(view: Any) -> Any:
    """Map the clients' mistakes to the spec's error list, in the format asked for."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        # An app, not a page: no language prefix, so the client's Accept-Language (French without one).
        with translation.override(translation.get_language_from_request(request)):
            return answer(request, *args, fmt=fmt, **kwargs)

    def answer(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and abuse.body_too_large(request.META):
            return errors(fmt, 413, _("The request is too large: at most three media of 8 MB"))
        # PostgreSQL text cannot hold NUL: refuse it in any parameter before it reaches a query.
        if any("\x00" in value for query in (request.GET, request.POST) for value in query.values()):
            return errors(fmt, 400, _("A parameter contains a NUL character"))
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except BadQuery as error:
            return errors(fmt, 400, str(error))
        except UnknownJurisdiction as error:
            return errors(fmt, 404, _("jurisdiction_id %(code)s was not found") % {"code": str(error)[:20]})

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@_handled
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    endpoint = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": "2026-01-01T00:00:00Z",
        "contact": _("Your municipality's citizen relations office"),
        "key_service": _("Ask the portal's administrators for an Open311 API key"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": endpoint.rstrip("/"),
                "changeset": "2026-01-01T00:00:00Z",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


@require_GET
@_handled
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(fmt, "services", selectors.services(_jurisdiction(request)))


@require_GET
@_handled
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    category = complaint_selectors.service_category(_jurisdiction(request), service_code)
    if category is None:
        return errors(fmt, 404, _("service_code %(code)s was not found") % {"code": service_code[:20]})
    return respond(fmt, "service_definition", selectors.definition(category))


@transaction.non_atomic_requests  # reads, and a report stored in one statement: no transaction to open
@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handled
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    query = _request_query(request)
    root = _media_root(request)
    found = selectors.service_requests(query)
    data = [selectors.as_request(c, media_root=root, extensions=query.extensions) for c in found]
    return respond(fmt, "service_requests", data)


@require_GET
@_handled
def service_request(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    extensions = request.GET.get("extensions", "").lower() == "true"
    found = list(selectors.service_requests(selectors.RequestQuery(ids=[request_id.upper()], extensions=extensions)))
    if not found:
        return errors(fmt, 404, _("service_request_id %(id)s was not found") % {"id": request_id[:20]})
    return respond(
        fmt,
        "service_requests",
        [selectors.as_request(found[0], media_root=_media_root(request), extensions=extensions)],
    )


@require_GET
@_handled
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Requests are created in real time: a token is the service request's own id."""
    code = token.upper()
    if not complaint_selectors.public_complaints().filter(tracking_code=code).exists():
        return errors(fmt, 404, _("token %(token)s was not found") % {"token": token[:20]})
    return respond(fmt, "service_requests", [{"service_request_id": code, "token": code}])


def _answers(request: HttpRequest) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in request.POST:
        if match := ATTRIBUTE_KEY.match(key):
            values = request.POST.getlist(key)
            answers[match.group(1)] = values if len(values) > 1 else values[0]
        elif key.startswith("attribute"):
            raise BadQuery(_("Malformed attribute parameter: %(key)s") % {"key": key[:60]})
    return answers


def _coordinate(request: HttpRequest, name: str) -> float:
    raw = request.POST.get(name, "").strip()
    if not raw:
        raise BadQuery(_("lat and long are required (address_string alone cannot be placed)"))
    try:
        return parsing.decimal_number(raw, name, minimum=-math.inf, maximum=math.inf)  # places are checked later
    except parsing.BadParameter:
        raise BadQuery(_("%(name)s must be a decimal number") % {"name": name}) from None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.content_type not in FORM_TYPES:  # a JSON body would be read as no fields at all
        raise BadQuery(
            _(
                "Send the request's fields form-encoded (application/x-www-form-urlencoded or "
                "multipart/form-data), as GeoReport v2 asks"
            )
        )
    key = request.POST.get("api_key", "")
    if not key:
        return errors(fmt, 403, _("Invalid or missing api_key"))

    def client_of_key() -> str | None:
        return ApiKey.objects.filter(key=key, is_active=True).values_list("name", flat=True).first()

    try:
        service_code = request.POST.get("service_code", "")
        if not service_code:
            raise BadQuery(_("service_code is required"))
        lon, lat = _coordinate(request, "long"), _coordinate(request, "lat")
        jurisdiction = _jurisdiction(request)
    except (BadQuery, UnknownJurisdiction):
        if client_of_key() is None:  # a client without a valid key hears only that
            return errors(fmt, 403, _("Invalid or missing api_key"))
        raise
    name = " ".join(p for p in (request.POST.get("first_name", ""), request.POST.get("last_name", "")) if p)
    contact = request.POST.get("email", "") or request.POST.get("phone", "")
    placement = None
    if -90 <= lat <= 90 and -180 <= lon <= 180:  # elsewhere the service says what is wrong, before any query
        ip = request.META.get("REMOTE_ADDR", "")
        # The key is checked by the same statement that places the report.
        placement = intake.place(lon=lon, lat=lat, category=service_code, ip=ip, contact=contact, api_key=key)
        client = placement.api_client
    else:
        client = client_of_key()
    if client is None:
        return errors(fmt, 403, _("Invalid or missing api_key"))
    if placement is not None and jurisdiction is not None:
        # Routing is by geometry; a client naming a jurisdiction must place the report inside it.
        routed = placement.municipality_id
        if routed is not None and routed != jurisdiction.pk:
            raise BadQuery(_("lat and long lie outside jurisdiction_id %(code)s") % {"code": jurisdiction.code})
    try:
        complaint = services.submit_report(
            lon=lon,
            lat=lat,
            category=service_code,
            description=request.POST.get("description", ""),
            answers=_answers(request),
            reporter_name=name,
            reporter_contact=contact,
            photo_uploads=request.FILES.getlist("media"),
            client_ip=request.META.get("REMOTE_ADDR", ""),
            source=f"open311:{client}"[:40],
            placement=placement,
        )
    except ValidationError as error:
        return errors(fmt, 400, *error.messages)
    except abuse.Banned:
        return errors(fmt, 403, _("Reports from this address or contact are not accepted"))
    except abuse.RateLimited:
        return errors(fmt, 429, _("Too many reports: try again later"))
    except photos.StorageUnavailable:
        unavailable = errors(
            fmt, 503, _("The media could not be stored (storage full or unavailable); nothing was stored")
        )
        unavailable["Retry-After"] = "300"
        return unavailable
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": complaint.tracking_code,
                "token": complaint.tracking_code,
                "service_notice": "",
                "account_id": "",
            }
        ],
    )
