"""Citizen pages of consultations: the list per municipality, a consultation's sections with their comments and
stances, the map of located comments, the survey, and the report.

Every form is a plain HTML form (commenting, replying, supporting and answering work without JavaScript); the
map only enhances the comment form's latitude and longitude fields.
"""

import contextlib
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gisportal.complaints import abuse
from gisportal.consultations import selectors, services
from gisportal.consultations.forms import CommentForm, StanceForm
from gisportal.consultations.models import Comment, Consultation
from gisportal.consultations.open_data import consultation_or_404
from gisportal.participants import selectors as participant_selectors
from layers.models import Municipality
from maps import picture


def _sign_in(request: HttpRequest, back: str) -> HttpResponse:
    return redirect(reverse("participants:start") + "?next=" + back)


def _page_url(consultation: Consultation, name: str = "consultation") -> str:
    return reverse(f"consultations:{name}", kwargs={"code": consultation.municipality.code, "pk": consultation.pk})


def _context(request: HttpRequest, consultation: Consultation, **extra: object) -> dict:
    context = {"consultation": consultation, "municipality": consultation.municipality, **extra}
    context.setdefault("participant", participant_selectors.current_participant(request))
    return context


def _attempt(write: Callable[[], object]) -> tuple[object | None, list[str], int]:
    """Run a write; its refusal as messages in the page's language and the status to answer with."""
    try:
        return write(), [], 200
    except abuse.Banned:
        return None, [_("Participation from this address or contact is not accepted.")], 403
    except PermissionDenied:
        return None, [_("Confirm your phone or e-mail first.")], 403
    except abuse.RateLimited:
        return None, [_("You have written many comments in a short time. Please try again later.")], 429
    except ValidationError as invalid:
        return None, invalid.messages, 400


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    groups: dict[Municipality, list[Consultation]] = {}
    for c in selectors.consultations():
        groups.setdefault(c.municipality, []).append(c)
    rows = sorted(groups.items(), key=lambda item: item[0].name_fr)
    return render(request, "consultations/index.html", {"rows": rows})


@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    town = Municipality.objects.filter(code=code).first()
    if town is None:
        raise Http404(_("There is no such municipality."))
    found = list(selectors.consultations(town))
    return render(request, "consultations/municipality.html", {"municipality": town, "consultations": found})


def _consultation_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    failed: dict | None = None,
) -> HttpResponse:
    participant = participant_selectors.current_participant(request)
    sections = selectors.sections(consultation)
    stances = selectors.own_stances(consultation, participant)
    for section in sections:
        section.mine = stances.get(section.pk, "")  # type: ignore[attr-defined]
    context = _context(
        request,
        consultation,
        participant=participant,
        sections=sections,
        has_survey=consultation.questions.exists(),
        located=consultation.comments.filter(location__isnull=False, parent__isnull=True).count(),
        errors=errors or [],
        failed=failed or {},
        saved=request.GET.get("saved", ""),
    )
    return render(request, "consultations/consultation.html", context, status=status)


@require_GET
def consultation_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _consultation_page(request, consultation_or_404(code, pk))


@require_POST
def comment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A comment on a section, a reply, or (from the map page) a comment on a place."""
    consultation = consultation_or_404(code, pk)
    from_map = request.POST.get("from") == "map"
    back = _page_url(consultation, "map" if from_map else "consultation")
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request, back)
    form = CommentForm(request.POST)
    if not form.is_valid():
        refusals = [str(m) for messages in form.errors.values() for m in messages]
        return _rerender(request, consultation, from_map, refusals, 400, request.POST)
    data = form.cleaned_data
    if data["website"]:  # the honeypot: a robot is told nothing, and nothing is stored
        return HttpResponseRedirect(back, status=303)
    section = consultation.sections.filter(pk=data["section"]).first() if data["section"] else None
    parent = consultation.comments.filter(pk=data["parent"]).first() if data["parent"] else None
    if (data["section"] and section is None) or (data["parent"] and parent is None):
        return _rerender(request, consultation, from_map, [_("This comment is not part of this consultation.")], 400)
    created, errors, status = _attempt(
        lambda: services.comment(
            consultation=consultation,
            participant=participant,
            body=data["body"],
            section=section,
            parent=parent,
            location=data["location"],
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    )
    if errors:
        return _rerender(request, consultation, from_map, errors, status, request.POST)
    assert isinstance(created, Comment)
    return HttpResponseRedirect(f"{back}?saved=comment#comment-{created.pk}", status=303)


def _rerender(
    request: HttpRequest,
    consultation: Consultation,
    from_map: bool,
    errors: list[str],
    status: int,
    failed: object = None,
) -> HttpResponse:
    if from_map:
        return _map_page(request, consultation, errors=errors, status=status, failed=failed)
    return _consultation_page(request, consultation, errors=errors, status=status, failed=failed)  # type: ignore[arg-type]


@require_POST
def stance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = consultation_or_404(code, pk)
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request, _page_url(consultation))
    form = StanceForm(request.POST)
    section = consultation.sections.filter(pk=form.data.get("section") or 0).first() if form.is_valid() else None
    if section is None:
        return _consultation_page(
            request, consultation, errors=[_("Say whether you support or oppose this section.")], status=400
        )
    _done, errors, status = _attempt(
        lambda: services.set_stance(
            section=section,
            participant=participant,
            value=form.cleaned_data["value"],
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    )
    if errors:
        return _consultation_page(request, consultation, errors=errors, status=status)
    return HttpResponseRedirect(f"{_page_url(consultation)}?saved=stance#section-{section.pk}", status=303)


PICTURE_ZOOM = 14  # the map picture (no JavaScript) opens on the municipality at this zoom


def _picture(request: HttpRequest, consultation: Consultation) -> tuple[dict, dict]:
    """The map picture for pages without JavaScript: its centre and zoom (moved by its zoom links), and the place a
    tap on it chose (`map.x`, `map.y`), which fills the comment form's coordinates."""
    centre = consultation.municipality.boundary.point_on_surface
    view = picture.at(centre.x, centre.y, PICTURE_ZOOM, "choose")
    with contextlib.suppress(KeyError, ValueError):  # no centre asked for, or not one the maps draw
        view = picture.at(float(request.GET["clon"]), float(request.GET["clat"]), int(request.GET["z"]), "choose")
    chosen: dict = {}
    try:
        lon, lat = view.lonlat(float(request.GET["map.x"]), float(request.GET["map.y"]))
        chosen = {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
        view = picture.at(lon, lat, view.zoom, "choose")
    except (KeyError, ValueError):
        pass
    return {"lat": f"{view.lat:.6f}", "lon": f"{view.lon:.6f}", "z": view.zoom}, chosen


def _map_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    failed: object = None,
) -> HttpResponse:
    centre, chosen = _picture(request, consultation)
    typed = failed if isinstance(failed, dict) else {}  # a refused form is shown again as she filled it
    place = {key: typed.get(key) or chosen.get(key, "") for key in ("lat", "lon")}
    context = _context(
        request,
        consultation,
        centre=centre,
        chosen=chosen,
        place=place,
        comments=selectors.map_comments(consultation),
        sections=list(consultation.sections.order_by("position")),
        errors=errors or [],
        failed=failed or {},
        saved=request.GET.get("saved", ""),
    )
    return render(request, "consultations/map.html", context, status=status)


@require_GET
def map_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _map_page(request, consultation_or_404(code, pk))


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = consultation_or_404(code, pk)
    questions = selectors.questions(consultation)
    if not questions:
        raise Http404(_("This consultation has no survey."))
    participant = participant_selectors.current_participant(request)
    errors: list[str] = []
    status = 200
    chosen = selectors.own_answer(consultation, participant)
    if request.method == "POST":
        if participant is None:
            return _sign_in(request, _page_url(consultation, "survey"))
        chosen = {
            int(v) for key in request.POST if key.startswith("q-") for v in request.POST.getlist(key) if v.isdigit()
        }
        if request.POST.get("website"):
            return HttpResponseRedirect(_page_url(consultation, "survey"), status=303)
        _done, errors, status = _attempt(
            lambda: services.answer_survey(
                consultation=consultation,
                participant=participant,
                choice_ids=sorted(chosen),
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        )
        if not errors:
            return HttpResponseRedirect(_page_url(consultation, "survey") + "?saved=1", status=303)
    context = _context(
        request,
        consultation,
        participant=participant,
        questions=questions,
        chosen=chosen,
        errors=errors,
        saved="saved" in request.GET,
    )
    return render(request, "consultations/survey.html", context, status=status)


@require_GET
def report(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = consultation_or_404(code, pk)
    if consultation.report_published_at is None:
        return render(request, "consultations/no_report.html", _context(request, consultation), status=404)
    figures = selectors.report(consultation)
    context = _context(
        request,
        consultation,
        report=figures,
        participation=[
            (GROUP_NAMES[g], [(_value_label(g, v), n) for v, n in rows]) for g, rows in figures.by_group.items()
        ],
        survey=[
            (
                q,
                [
                    (
                        GROUP_NAMES[g],
                        [_value_label(g, v) for v in values],
                        [(c, [c.by_group.get(g, {}).get(v, 0) for v in values]) for c in q.choices],
                    )
                    for g in selectors.GROUPS
                    if (values := sorted({v for c in q.choices for v in c.by_group.get(g, {})}, key=_blank_last))
                ],
            )
            for q in figures.survey
        ],
        sections=list(consultation.sections.order_by("position", "pk")),
    )
    return render(request, "consultations/report.html", context)


def _blank_last(value: str) -> tuple[bool, str]:
    return (value == "", value)


GROUP_NAMES = {
    "gender": gettext_lazy("Gender"),
    "age_band": gettext_lazy("Age band"),
    "district": gettext_lazy("District"),
    "source": gettext_lazy("How they took part"),
}


def _value_label(group: str, value: str) -> str:
    if not value:
        return str(gettext_lazy("Not declared"))
    return str(selectors.GROUP_LABELS.get(group, {}).get(value, value))
