"""Citizen pages of council meetings: a municipality's meetings, a meeting's agenda, documents, stream, minutes and
questions (most supported first, with their answers), asking and supporting, and the iCalendar feed.

Every form is a plain HTML form; asking and supporting need the participant's verified contact, and send her to
`participants` to verify it and back here, as participatory budgets do.
"""

import mimetypes
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gisportal.complaints import abuse
from gisportal.council import ical, selectors, services
from gisportal.council.forms import QuestionForm
from gisportal.council.models import Meeting
from gisportal.participants import selectors as participant_selectors
from layers.models import Municipality


def _municipality_or_404(code: str) -> Municipality:
    municipality = selectors.municipality_of(code)
    if municipality is None:
        raise Http404(_("No such municipality."))
    return municipality


def _meeting_or_404(code: str, pk: int) -> Meeting:
    meeting = selectors.meeting_of(code, pk)
    if meeting is None:
        raise Http404(_("There is no such council meeting."))
    return meeting


def _sign_in(request: HttpRequest, back_to: str) -> HttpResponse:
    return redirect(reverse("participants:start") + "?next=" + back_to)


def _meeting_url(meeting: Meeting) -> str:
    return reverse("council:meeting", kwargs={"code": meeting.municipality.code, "pk": meeting.pk})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "council/index.html", {"municipalities": selectors.municipalities_with_meetings()})


@require_GET
def meetings(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality_or_404(code)
    calendar = selectors.meetings_of(municipality)
    context = {"municipality": municipality, "upcoming": calendar.upcoming, "past": calendar.past}
    return render(request, "council/meetings.html", context)


@require_GET
def meeting_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(code, pk)
    participant = participant_selectors.current_participant(request)
    context = {
        "municipality": meeting.municipality,
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "documents": list(meeting.documents.all()),
        "questions": list(selectors.published_questions(meeting)),
        "own": selectors.own_questions(meeting, participant),
        "supported": selectors.supported_by(meeting, participant),
        "participant": participant,
        "accepting": selectors.accepting_questions(meeting),
        "asked": "asked" in request.GET,
        "supported_now": request.GET.get("supported", ""),
    }
    return render(request, "council/meeting.html", context)


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(code, pk)
    context: dict[str, object] = {"municipality": meeting.municipality, "meeting": meeting}
    if not selectors.accepting_questions(meeting):
        return render(request, "council/closed.html", context, status=403)
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request, request.path)
    form = QuestionForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not form.cleaned_data["website"]:
            try:
                services.ask_question(
                    meeting=meeting,
                    author=participant,
                    text=form.cleaned_data["text"],
                    agenda_item=form.cleaned_data["agenda_item"],
                    ip=request.META.get("REMOTE_ADDR", ""),
                )
            except ValidationError as invalid:
                for message in invalid.messages:
                    form.add_error(None, message)
            except abuse.Banned:
                form.add_error(None, _("Participation from this address or contact is not accepted."))
                status = 403
            except PermissionDenied:
                return _sign_in(request, request.path)
            except abuse.RateLimited:
                form.add_error(None, _("You have asked many questions in a short time. Please try again later."))
                status = 429
            else:  # after a POST, a GET: a reload never asks twice
                return HttpResponseRedirect(_meeting_url(meeting) + "?asked=1#own", status=303)
        elif form.is_valid():
            form.add_error(None, _("This question could not be sent."))  # the honeypot was filled
    context.update(form=form, participant=participant)
    return render(request, "council/ask.html", context, status=status)


@require_POST
def support(request: HttpRequest, code: str, pk: int, question_pk: int) -> HttpResponse:
    meeting = _meeting_or_404(code, pk)
    question = meeting.questions.filter(pk=question_pk).select_related("meeting").first()
    if question is None:
        raise Http404(_("No such question."))
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request, _meeting_url(meeting) + f"#q{question.pk}")
    try:
        services.support_question(question=question, participant=participant, ip=request.META.get("REMOTE_ADDR", ""))
    except ValidationError as invalid:
        return render(request, "council/refused.html", {"meeting": meeting, "messages_": invalid.messages}, status=400)
    except abuse.Banned:
        message = _("Participation from this address or contact is not accepted.")
        return render(request, "council/refused.html", {"meeting": meeting, "messages_": [message]}, status=403)
    except abuse.RateLimited:
        message = _("Too many supports from this connection. Please try again later.")
        return render(request, "council/refused.html", {"meeting": meeting, "messages_": [message]}, status=429)
    return HttpResponseRedirect(_meeting_url(meeting) + f"?supported={question.pk}#q{question.pk}", status=303)


@require_GET
def document(request: HttpRequest, code: str, pk: int, document_pk: int) -> FileResponse:
    meeting = _meeting_or_404(code, pk)
    found = meeting.documents.filter(pk=document_pk).first()
    if found is None:
        raise Http404(_("No such document."))
    suffix = Path(found.file.name or "").suffix.lower()
    content_type = mimetypes.types_map.get(suffix, "application/octet-stream")
    response = FileResponse(found.file.open("rb"), content_type=content_type, filename=f"{found.title}{suffix}")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def calendar_feed(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality_or_404(code)
    meetings = list(Meeting.objects.filter(municipality=municipality).prefetch_related("agenda").order_by("starts_at"))
    name = _("Council meetings of %(municipality)s") % {"municipality": municipality.name_fr}
    body = ical.feed(municipality, meetings, base_url=request.build_absolute_uri("/").rstrip("/"), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="council-{municipality.code}.ics"'
    response["Cache-Control"] = "public, max-age=900"  # calendar applications poll; a quarter of an hour is fresh
    return response
