"""Citizen pages of petitions: the list and map, a petition with its progress and history, drafting,
co-promoting and signing. Every form is a plain HTML form; the map only enhances the page.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gisportal.complaints import abuse
from gisportal.participants import selectors as participant_selectors
from gisportal.participants.models import Participant
from gisportal.petitions import rules, selectors, services
from gisportal.petitions.forms import PetitionFilterForm, PetitionForm, SignForm, StateFilterForm
from gisportal.petitions.models import Petition, State
from layers.models import Municipality


def municipality_or_404(code: str) -> Municipality:
    municipality = selectors.municipality_of(code)
    if municipality is None:
        raise Http404(_("There is no municipality with this code."))
    return municipality


def _petition_or_404(request: HttpRequest, code: str, pk: int) -> tuple[Petition, Participant | None]:
    participant = participant_selectors.current_participant(request)
    petition = selectors.petition_for(municipality_or_404(code), pk, participant)
    if petition is None:
        raise Http404(_("No such petition."))
    return petition, participant


def _sign_in(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("participants:start") + "?next=" + request.get_full_path())


def _url(petition: Petition, name: str = "petition") -> str:
    return reverse(f"petitions:{name}", kwargs={"code": petition.municipality.code, "pk": petition.pk})


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = StateFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_bound and form.is_valid() else ""
    petitions = list(selectors.public_petitions(None, selectors.PetitionFilter(state=state))[:100])
    context = {"petitions": petitions, "open_now": selectors.open_now()[:50], "filter_form": form}
    return render(request, "petitions/index.html", context, status=400 if form.errors else 200)


@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    town = municipality_or_404(code)
    form = PetitionFilterForm(request.GET or None, municipality_id=town.pk)
    where = selectors.PetitionFilter()
    if form.is_bound and form.is_valid():
        district = form.cleaned_data["district"]
        where = selectors.PetitionFilter(state=form.cleaned_data["state"], district=district.pk if district else None)
    petitions = [(p, selectors.progress(p)) for p in selectors.public_petitions(town, where)[:200]]
    context = {
        "municipality": town,
        "filter_form": form,
        "petitions": petitions,
        "on_the_map": any(p.location is not None for p, _progress in petitions),
        "query": request.GET.urlencode(),
    }
    return render(request, "petitions/municipality.html", context, status=400 if form.errors else 200)


@require_GET
def petition_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    petition, participant = _petition_or_404(request, code, pk)
    context = {
        "municipality": petition.municipality,
        "petition": petition,
        "participant": participant,
        "is_author": participant is not None and petition.author_id == participant.pk,
        "signed": selectors.has_signed(petition, participant),
        "co_promoter": selectors.is_co_promoter(petition, participant),
        "signing_open": _signing_open(petition),
        "answer_late": petition.state == State.THRESHOLD_REACHED
        and petition.answer_due_on is not None
        and petition.answer_due_on < timezone.localdate(),
        "progress": selectors.progress(petition),
        "events": petition.events.all(),
        "min_co_promoters": rules.min_co_promoters(),
    }
    return render(request, "petitions/petition.html", context)


def _signing_open(petition: Petition) -> bool:
    """Open for signatures today (a petition past its last day may wait for the nightly close_petitions)."""
    return petition.is_signing and (petition.closes_on is None or petition.closes_on >= timezone.localdate())


def _refusal(error: Exception) -> tuple[list[str], int]:
    if isinstance(error, abuse.Banned):
        return [_("Participation from this address or contact is not accepted.")], 403
    if isinstance(error, abuse.RateLimited):
        return [_("Too many requests from this connection in a short time. Please try again later.")], 429
    if isinstance(error, PermissionDenied):
        return [str(error) or _("You cannot do this.")], 403
    return list(error.messages), 400  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, code: str) -> HttpResponse:
    town = municipality_or_404(code)
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request)
    form = PetitionForm(request.POST if request.method == "POST" else None, municipality_id=town.pk)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not form.cleaned_data["website"]:
            data = form.cleaned_data
            try:
                with transaction.atomic():  # an ID given here is kept only if the draft is
                    services.declare_national_id(participant=participant, national_id=data["national_id"])
                    petition = services.draft_petition(
                        municipality=town,
                        author=participant,
                        title=data["title"],
                        text=data["text"],
                        location=data["location"],
                        district=data["district"],
                        ip=_ip(request),
                    )
            except (ValidationError, PermissionDenied, abuse.RateLimited) as error:
                messages, status = _refusal(error)
                for message in messages:
                    form.add_error(None, message)
            else:
                return HttpResponseRedirect(_url(petition) + "?new=1", status=303)
    context = {"municipality": town, "form": form, "participant": participant}
    return render(request, "petitions/new.html", context, status=status)


def _author_action(action: Callable[..., Petition], done: str) -> Callable[[HttpRequest, str, int], HttpResponse]:
    @require_POST
    def view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
        petition, participant = _petition_or_404(request, code, pk)
        if participant is None:
            return _sign_in(request)
        try:
            action(petition=petition, author=participant)
        except (ValidationError, PermissionDenied) as error:
            messages, status = _refusal(error)
            context = {"municipality": petition.municipality, "petition": petition, "errors": messages}
            return render(request, "petitions/refused.html", context, status=status)
        return HttpResponseRedirect(_url(petition) + "?done=" + done, status=303)

    return view


seek_co_promoters = _author_action(services.seek_co_promoters, "seeking")
submit_for_review = _author_action(services.submit_for_review, "submitted")


def _join(request: HttpRequest, code: str, pk: int, *, what: str) -> HttpResponse:
    """Co-promote or sign: a confirmation page (with her ID number when she has not given it), then the write."""
    petition, participant = _petition_or_404(request, code, pk)
    if participant is None:
        return _sign_in(request)
    form = SignForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not form.cleaned_data["website"]:
            try:
                with transaction.atomic():  # an ID given here is kept only if the signature is
                    national_id = form.cleaned_data["national_id"]
                    if what == "sign":
                        services.sign_with_id(
                            petition=petition, participant=participant, national_id=national_id, ip=_ip(request)
                        )
                    else:
                        services.declare_national_id(participant=participant, national_id=national_id)
                        services.co_promote(petition=petition, participant=participant, ip=_ip(request))
            except (ValidationError, PermissionDenied, abuse.RateLimited) as error:
                errors, status = _refusal(error)
                participant.refresh_from_db()
            else:  # after a POST, a GET: a reload never signs again
                return HttpResponseRedirect(_url(petition) + "?done=" + what, status=303)
    context = {
        "municipality": petition.municipality,
        "petition": petition,
        "participant": participant,
        "form": form,
        "errors": errors,
        "what": what,
        "closed": not _signing_open(petition) if what == "sign" else petition.state != State.CO_PROMOTERS,
    }
    return render(request, "petitions/join.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _join(request, code, pk, what="sign")


@require_http_methods(["GET", "POST"])
def co_promote(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _join(request, code, pk, what="co-promote")
