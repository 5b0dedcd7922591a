"""Taking part: prove a contact with a one-time code, then (optionally) say who you are, as totals will count it."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gisportal.complaints import abuse
from gisportal.participants import activity, selectors, services
from gisportal.participants.forms import CodeForm, ContactForm, ProfileForm
from gisportal.participants.models import Participant
from layers.models import District, Municipality
from maps import picture

PENDING_CONTACT = "participant_pending_contact"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("participants:profile")


def _with_next(url: str, request: HttpRequest) -> str:
    return url + "?" + request.GET.urlencode() if request.GET.get("next") else url


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not form.cleaned_data["website"]:
            try:
                contact = services.send_code(
                    raw_contact=form.cleaned_data["contact"], ip=request.META.get("REMOTE_ADDR", "")
                )
            except ValidationError as invalid:
                form.add_error("contact", invalid)
            except abuse.Banned:
                form.add_error(None, _("Participation from this address or contact is not accepted."))
                status = 403
            except abuse.RateLimited:
                form.add_error(None, _("Too many codes were asked for in a short time. Please try again later."))
                status = 429
            else:
                request.session[PENDING_CONTACT] = contact
                return redirect(_with_next(reverse("participants:verify"), request))
    context = {"form": form, "next": _next(request)}
    return render(request, "participants/start.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    contact = request.session.get(PENDING_CONTACT)
    if not contact:
        return redirect(_with_next(reverse("participants:start"), request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                participant = services.verify_code(contact=contact, code=form.cleaned_data["code"])
            except services.CodeRefused as refused:
                form.add_error("code", str(refused))
            else:
                request.session.cycle_key()  # a new session id once she is known: no fixation
                request.session[selectors.SESSION_KEY] = participant.pk
                request.session.pop(PENDING_CONTACT, None)
                return redirect(_next(request))
    context = {"form": form, "contact": contact, "next": _next(request)}
    return render(request, "participants/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    participant = selectors.current_participant(request)
    if participant is None:
        return redirect(reverse("participants:start") + "?next=" + request.path)
    try:
        on_map = _district_on_map(request, participant)
    except (ValueError, picture.OutOfRange):  # a forged or truncated map link
        on_map, status = {"map_error": _("This place is not on the map. Choose your municipality again.")}, 400
    else:
        status = 200
    district = on_map.get("picked") or participant.district  # a district just tapped on the map is proposed
    initial = {"gender": participant.gender, "age_band": participant.age_band, "district": district}
    form = ProfileForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_profile(
                    participant=participant,
                    national_id=data["national_id"],
                    gender=data["gender"],
                    age_band=data["age_band"],
                    district=data["district"],
                )
            except ValidationError as invalid:
                for field, messages in invalid.message_dict.items():
                    form.add_error(field, messages)
            else:
                if url_has_allowed_host_and_scheme(request.POST.get("next", ""), allowed_hosts={request.get_host()}):
                    return redirect(request.POST["next"])
                status, saved = 200, True
    context = {
        "participant": participant,
        "form": form,
        "saved": saved,
        "activity": activity.of(participant),
        "next": request.GET.get("next", ""),
        "municipalities": selectors.municipalities_with_districts(),
        **on_map,
    }
    return render(request, "participants/profile.html", context, status=status)


def _district_on_map(request: HttpRequest, participant: Participant) -> dict[str, object]:
    """The map of her municipality's districts and, after a tap on it (`map.x`, `map.y`), the district there,
    with the picture centred and pinned where she tapped (FixMyStreet's way: it works without JavaScript)."""
    code = request.GET.get("m")
    known: District | None = participant.district
    municipality = (
        Municipality.objects.filter(code=code, districts__isnull=False).distinct().first()
        if code
        else known.municipality
        if known
        else None
    )
    if municipality is None:
        return {}
    if "map.x" not in request.GET:
        return {"map": selectors.district_map(municipality).view, "map_municipality": municipality}
    shown = picture.at(float(request.GET["lon"]), float(request.GET["lat"]), int(request.GET["z"]), "choose")
    lon, lat = shown.lonlat(float(request.GET["map.x"]), float(request.GET["map.y"]))
    return {
        "map": picture.at(lon, lat, shown.zoom, "choose"),
        "map_municipality": municipality,
        "picked": selectors.district_at(municipality, lon, lat),
        "tapped": True,
    }


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(selectors.SESSION_KEY, None)
    return redirect("home")
