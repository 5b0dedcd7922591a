"""Citizen pages: report a problem (works without JavaScript), follow it, reopen it, say if it was fixed."""

from django.conf import settings
from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gisportal.complaints import abuse, intake, photos, public_forms, selectors, services, workflow
from gisportal.complaints.models import ServiceCategory
from layers import selectors as layer_selectors
from layers.models import Complaint
from maps import basemap, builders, picture

NEARBY_SHOWN = 5
# The reporter's keys of the reports sent from this browser, by tracking code: in a signed cookie, so that a report
# writes no session row; keys an earlier version kept in the session are still read.
SESSION_KEYS = "complaints_reporter_keys"
KEYS_COOKIE = "complaints_keys"
KEYS_KEPT = 20


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


# Where the "where" step's map opens: all of Tunisia, unless a place was found or chosen.
COUNTRY = {"lat": 33.9, "lon": 9.6, "z": 6}
PLACE_ZOOM = 15  # a place found by the search, or chosen before, opens at this zoom
CHOOSE_ZOOM = 14  # without JavaScript, a click on the picture chooses the place from this zoom; below, it zooms in
ZOOM_STEP = 3


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("basemap", settings.BASEMAP_TILE_URL)
    # The portal's own vector basemap, unless a raster one is configured.
    context.setdefault("vector_basemap", "" if settings.BASEMAP_TILE_URL else basemap.url_template())
    context.setdefault("basemap_language", builders.page_language())
    context.setdefault("basemap_attribution", builders.basemap_attribution())
    context.setdefault("max_photos", photos.MAX_PHOTOS)
    context.setdefault("choose_zoom", CHOOSE_ZOOM)
    return render(request, "complaints/report.html", context, status=status)


def _centre(request: HttpRequest, place: public_forms.PlaceForm | None) -> dict:
    """Where the map of the "where" step opens: the centre asked for (a place found, a picture zoomed into),
    else the place chosen so far, else the whole country."""
    try:
        lat, lon, zoom = float(request.GET["clat"]), float(request.GET["clon"]), int(request.GET["z"])
        picture.at(lon, lat, zoom, "choose")
        return {"lat": lat, "lon": lon, "z": zoom}
    except (KeyError, ValueError):
        pass
    if place is not None and place.is_valid():
        return {"lat": place.cleaned_data["lat"], "lon": place.cleaned_data["lon"], "z": PLACE_ZOOM + 2}
    return COUNTRY


def _picture_click(request: HttpRequest) -> HttpResponse:
    """A click on the map picture (no JavaScript): zoom in there, or, close enough, choose the place."""
    try:
        view = picture.at(float(request.GET["clon"]), float(request.GET["clat"]), int(request.GET["z"]), "choose")
        lon, lat = view.lonlat(float(request.GET["map.x"]), float(request.GET["map.y"]))
    except (KeyError, ValueError):
        return redirect("complaints:report")
    if view.zoom < CHOOSE_ZOOM:
        return redirect(_report_url(clat=f"{lat:.6f}", clon=f"{lon:.6f}", z=min(view.zoom + ZOOM_STEP, CHOOSE_ZOOM)))
    return redirect(_report_url(lat=f"{lat:.6f}", lon=f"{lon:.6f}"))


def _report_url(**query: str | int) -> str:
    return f"{reverse('complaints:report')}?{urlencode(query)}"


@transaction.non_atomic_requests  # reads, and a report stored in one statement: no transaction to open
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Three steps, each a plain form: where (map, its picture without JavaScript, place search or coordinates),
    what, then the details."""
    if request.method == "POST":
        return _submit(request)
    if "map.x" in request.GET:
        return _picture_click(request)
    place = public_forms.PlaceForm(request.GET) if {"lat", "lon"} <= set(request.GET) else None
    # "change" goes back to the map, centred on the place chosen so far.
    if place is None or not place.is_valid() or "change" in request.GET:
        query = request.GET.get("q", "")
        context = {"step": "where", "place_form": place or public_forms.PlaceForm(), "query": query}
        context["places"] = selectors.search_places(query) if query else None
        context["centre"] = _centre(request, place)
        context["place_zoom"] = PLACE_ZOOM
        return _page(request, context, status=400 if place is not None and place.errors else 200)
    lat, lon = place.cleaned_data["lat"], place.cleaned_data["lon"]
    point = Point(lon, lat, srid=4326)
    municipality = layer_selectors.municipality_at(point)
    if municipality is None:
        context = {"step": "where", "place_form": place, "outside": True, "centre": _centre(request, place)}
        return _page(request, context, status=400)
    categories = {c.code: c for c in selectors.catalogue(municipality)}
    code = request.GET.get("category", "")
    context = {
        "lat": lat,
        "lon": lon,
        "municipality": municipality,
        "district": layer_selectors.district_at(municipality, point),
    }
    if code not in categories:
        context |= {"step": "what", "categories": categories.values()}
        return _page(request, context, status=400 if code else 200)
    return _details(request, context, categories[code], form=None)


def _details(
    request: HttpRequest,
    context: dict,
    category: ServiceCategory,
    form: public_forms.ReportForm | None,
    status: int = 200,
) -> HttpResponse:
    point = Point(context["lon"], context["lat"], srid=4326)
    nearby = selectors.nearby_open(point, category.code, municipality=context["municipality"])
    initial = {"lat": context["lat"], "lon": context["lon"], "category": category.code}
    context |= {
        "step": "details",
        "category": category,
        "form": form or public_forms.ReportForm(initial=initial, category=category),
        "nearby": nearby.prefetch_related("photos")[:NEARBY_SHOWN],
        "own_reports": set(_own_keys(request)),  # hers: no "me too" on them
        "follow_form": public_forms.FollowForm(),
    }
    return _page(request, context, status=status)


def _storage_unavailable() -> str:
    return _(
        "Your photos could not be saved: the portal's storage is full or unavailable. Nothing was sent; "
        "please try again later, or send your report without photos."
    )


def _submit(request: HttpRequest) -> HttpResponse:
    if abuse.body_too_large(request.META):
        return HttpResponse(_("This report is too large: at most three photos of 8 MB."), status=413)
    place = public_forms.PlaceForm(request.POST)
    if not place.is_valid():
        return _page(request, {"step": "where", "place_form": place, "centre": COUNTRY}, status=400)
    lat, lon = place.cleaned_data["lat"], place.cleaned_data["lon"]
    # One statement routes the point and reads the category, its questions and the ban list for the service too.
    placement = intake.place(
        lon=lon,
        lat=lat,
        category=request.POST.get("category", ""),
        ip=_client_ip(request),
        contact=request.POST.get("reporter_contact", ""),
    )
    if placement.municipality_id is None:
        outside = {"step": "where", "place_form": place, "outside": True, "centre": _centre(request, place)}
        return _page(request, outside, status=400)
    category = placement.category
    if category is None:
        choose = {"step": "what", "lat": lat, "lon": lon, "municipality": placement.municipality}
        return _page(request, choose | {"categories": selectors.catalogue(placement.municipality)}, status=400)
    form = public_forms.ReportForm(request.POST, category=category)
    if not form.is_valid() or form.cleaned_data["website"]:
        return _details(request, _placed(lat, lon, placement), category, form, status=400)
    data = form.cleaned_data
    try:
        complaint = services.submit_report(
            lon=lon,
            lat=lat,
            category=category.code,
            description=data["description"],
            answers=form.answers(),
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            photo_uploads=request.FILES.getlist("photos"),
            client_ip=_client_ip(request),
            placement=placement,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _details(request, _placed(lat, lon, placement), category, form, status=400)
    except abuse.Banned:
        form.add_error(None, _("Reports from this address or contact are not accepted."))
        return _details(request, _placed(lat, lon, placement), category, form, status=403)
    except abuse.RateLimited:
        form.add_error(None, _("You have sent many reports in a short time. Please try again later."))
        return _details(request, _placed(lat, lon, placement), category, form, status=429)
    except photos.StorageUnavailable:
        form.add_error(None, _storage_unavailable())
        unavailable = _details(request, _placed(lat, lon, placement), category, form, status=503)
        unavailable["Retry-After"] = "300"
        return unavailable
    response = redirect(f"{_status_url(complaint)}?new=1")
    _keep_key(request, response, complaint, complaint.reporter_key.key)
    return response


def _placed(lat: float, lon: float, placement: intake.Placement) -> dict:
    """The details step's context around a placed point (read only when the page is shown again)."""
    return {"lat": lat, "lon": lon, "municipality": placement.municipality, "district": placement.district}


def _own_keys(request: HttpRequest) -> dict[str, str]:
    keys = dict(request.session.get(SESSION_KEYS, {}))
    try:
        kept = signing.loads(request.COOKIES.get(KEYS_COOKIE, ""), salt=KEYS_COOKIE)
    except signing.BadSignature:
        kept = {}
    if isinstance(kept, dict):
        keys |= {str(code): str(key) for code, key in kept.items()}
    return keys


def _keep_key(request: HttpRequest, response: HttpResponse, complaint: Complaint, key: str) -> None:
    keys = _own_keys(request)
    keys.pop(complaint.tracking_code, None)
    keys[complaint.tracking_code] = key
    response.set_cookie(
        KEYS_COOKIE,
        signing.dumps(dict(list(keys.items())[-KEYS_KEPT:]), salt=KEYS_COOKIE, compress=True),
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _reporter_key(request: HttpRequest, complaint: Complaint) -> str:
    """The reporter's key as this request carries it: form, private link, or this browser's cookie."""
    sent = request.POST.get("key") or request.GET.get("key") or ""
    return sent or _own_keys(request).get(complaint.tracking_code, "")


def _status_url(complaint: Complaint) -> str:
    return reverse("complaints:status", kwargs={"code": complaint.tracking_code})


def _public_or_404(code: str) -> Complaint:
    complaint = selectors.public_complaint(code.upper())
    if complaint is None:
        raise Http404
    return complaint


def status(request: HttpRequest, code: str) -> HttpResponse:
    """The public status page: what happened, when, and what the reporter may do next."""
    return _status_page(request, _public_or_404(code))


def _status_page(request: HttpRequest, complaint: Complaint, *, status: int = 200, **forms: object) -> HttpResponse:
    key = _reporter_key(request, complaint)
    reporter = selectors.is_reporter(complaint, key)
    closed_by_staff = reporter and complaint.status in workflow.REPORTER_REOPENS_FROM
    context = {
        "reporter_key": key if reporter else "",
        "private_link": request.build_absolute_uri(f"{_status_url(complaint)}?key={key}") if reporter else "",
        "complaint": complaint,
        "updates": selectors.public_updates(complaint),
        "photos": complaint.photos.all(),
        "followers": complaint.followers.count(),
        "new": request.GET.get("new") == "1",
        # "Me too" is for others: the reporter follows her own report already.
        "follow_form": forms.get("follow_form")
        or (public_forms.FollowForm() if complaint.is_open and not reporter else None),
        "reopen_form": forms.get("reopen_form") or (public_forms.ReopenForm() if closed_by_staff else None),
        "satisfaction_form": forms.get("satisfaction_form")
        or (public_forms.SatisfactionForm() if closed_by_staff and selectors.awaits_satisfaction(complaint) else None),
        "municipality": complaint.municipality,
    }
    return render(request, "complaints/status.html", context, status=status)


def _posted(
    request: HttpRequest,
    complaint: Complaint,
    name: str,
    form: object,
    action: object,
    thanks: str,
    *,
    by_reporter: bool = False,
) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)  # type: ignore[attr-defined]
        return _status_page(request, complaint, status=400, **{name: form})
    except abuse.Banned:
        return _status_page(request, complaint, status=403)
    except abuse.RateLimited:
        return _status_page(request, complaint, status=429)
    messages.success(request, thanks)
    response = redirect(_status_url(complaint))
    if by_reporter:
        # She may have come by her private link from another device: the page she is sent back to still knows her.
        _keep_key(request, response, complaint, _reporter_key(request, complaint))
    return response


@require_POST
def follow(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _public_or_404(code)
    if selectors.is_reporter(complaint, _reporter_key(request, complaint)):
        messages.info(request, _("This is your own report: you follow it already."))
        return redirect(_status_url(complaint))
    form = public_forms.FollowForm(request.POST)
    if not form.is_valid():
        return _status_page(request, complaint, status=400, follow_form=form)
    contact = form.cleaned_data["contact"]
    return _posted(
        request,
        complaint,
        "follow_form",
        form,
        lambda: services.follow(complaint, contact=contact, client_ip=_client_ip(request)),
        _("Thank you: you follow this report."),
    )


def _reporter_only(request: HttpRequest, complaint: Complaint) -> HttpResponse | None:
    if selectors.is_reporter(complaint, _reporter_key(request, complaint)):
        return None
    return _status_page(request, complaint, status=403)


@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _public_or_404(code)
    if refused := _reporter_only(request, complaint):
        return refused
    form = public_forms.ReopenForm(request.POST)
    if not form.is_valid():
        return _status_page(request, complaint, status=400, reopen_form=form)
    note = form.cleaned_data["note"]
    return _posted(
        request,
        complaint,
        "reopen_form",
        form,
        lambda: services.reopen_by_reporter(complaint, note=note, client_ip=_client_ip(request)),
        _("Your report is open again: the municipality will look at it again."),
        by_reporter=True,
    )


@require_POST
def satisfaction(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _public_or_404(code)
    if refused := _reporter_only(request, complaint):
        return refused
    form = public_forms.SatisfactionForm(request.POST)
    if not form.is_valid():
        return _status_page(request, complaint, status=400, satisfaction_form=form)
    data = form.cleaned_data
    thanks = (
        _("Thank you for your answer.")
        if data["satisfied"]
        else _("Thank you for your answer. If the problem is still there, reopen the report below.")
    )
    return _posted(
        request,
        complaint,
        "satisfaction_form",
        form,
        lambda: services.answer_satisfaction(complaint, satisfied=data["satisfied"], comment=data["comment"]),
        thanks,
        by_reporter=True,
    )
