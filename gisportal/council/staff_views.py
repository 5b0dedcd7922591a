"""Staff pages of council meetings, for her municipalities only (`layers.selectors`' scope): meetings and their
agenda and documents, the moderation queue, answers and minutes.

One page per meeting; each of its forms posts an `action`, and every change goes through `services`.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gisportal.accounts import roles
from gisportal.council import selectors, services
from gisportal.council.forms import (
    AgendaItemForm,
    AnswerForm,
    CancelForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    RejectForm,
)
from gisportal.council.models import AgendaItem, Meeting, Question
from layers import selectors as layer_selectors
from layers.models import Municipality


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_member_required let only staff in
    return request.user


def _municipalities(user: User):  # type: ignore[no-untyped-def]
    """Where she may schedule meetings: the municipalities whose meetings she may edit."""
    extent = layer_selectors.scope(Meeting, user, for_edit=True)
    if extent is layer_selectors.Scope.ALL:
        return Municipality.objects.order_by("name_fr")
    if extent is layer_selectors.Scope.NONE:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=roles.municipality_ids(user)).order_by("name_fr")


def _editable_meeting(request: HttpRequest, code: str, pk: int) -> Meeting:
    meeting = (
        layer_selectors.editable(Meeting, request.user)  # type: ignore[arg-type]
        .select_related("municipality")
        .filter(municipality__code=code, pk=pk)
        .first()
    )
    if meeting is None:  # another municipality's meeting looks like no meeting at all
        raise Http404(_("There is no such council meeting."))
    return meeting


def _staff_url(meeting: Meeting) -> str:
    return reverse("council:staff_meeting", kwargs={"code": meeting.municipality.code, "pk": meeting.pk})


@staff_member_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    meetings = (
        layer_selectors.editable(Meeting, _staff(request))
        .select_related("municipality")
        .annotate(pending=Count("questions", filter=Q(questions__status=Question.Status.PENDING)))
        .order_by("-starts_at")[:100]
    )
    context = {"meetings": meetings, "municipalities": _municipalities(_staff(request))}
    return render(request, "council/staff_index.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def new_meeting(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipalities(_staff(request)).filter(code=code).first()
    if municipality is None:
        raise Http404(_("No such municipality."))
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = services.schedule_meeting(
                    municipality=municipality, staff=_staff(request), **form.cleaned_data
                )
            except ValidationError as invalid:
                for message in invalid.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Meeting scheduled. Add its agenda now."))
                return redirect(_staff_url(meeting))
    context = {"municipality": municipality, "form": form}
    return render(request, "council/staff_new.html", context, status=status)


def _details(request: HttpRequest, meeting: Meeting) -> None:
    form = MeetingForm(request.POST, instance=Meeting.objects.get(pk=meeting.pk))
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])
    services.update_meeting(meeting=meeting, staff=_staff(request), **form.cleaned_data)


def _add_item(request: HttpRequest, meeting: Meeting) -> None:
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("An agenda item needs a title."))
    services.add_agenda_item(meeting=meeting, staff=_staff(request), **form.cleaned_data)


def _remove_item(request: HttpRequest, meeting: Meeting) -> None:
    item = AgendaItem.objects.filter(meeting=meeting, pk=request.POST.get("item", "0") or 0).first()
    if item is None:
        raise ValidationError(_("No such agenda item."))
    services.remove_agenda_item(item=item, staff=_staff(request))


def _attach(request: HttpRequest, meeting: Meeting) -> None:
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])
    data = form.cleaned_data
    services.attach_document(
        meeting=meeting, title=data["title"], kind=data["kind"], upload=data["file"], staff=_staff(request)
    )


def _held(request: HttpRequest, meeting: Meeting) -> None:
    services.mark_held(meeting=meeting, staff=_staff(request))


def _cancel(request: HttpRequest, meeting: Meeting) -> None:
    services.cancel_meeting(meeting=meeting, reason=request.POST.get("reason", ""), staff=_staff(request))


def _minutes(request: HttpRequest, meeting: Meeting) -> None:
    services.publish_minutes(meeting=meeting, minutes=request.POST.get("minutes", ""), staff=_staff(request))


ACTIONS: dict[str, tuple[Callable[[HttpRequest, Meeting], None], str]] = {
    "details": (_details, gettext_noop("Meeting details saved.")),
    "add_item": (_add_item, gettext_noop("Agenda item added.")),
    "remove_item": (_remove_item, gettext_noop("Agenda item removed.")),
    "attach": (_attach, gettext_noop("Document attached.")),
    "held": (_held, gettext_noop("Meeting marked as held: questions are closed.")),
    "cancel": (_cancel, gettext_noop("Meeting cancelled.")),
    "minutes": (_minutes, gettext_noop("Minutes published.")),
}


@staff_member_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = _editable_meeting(request, code, pk)
    errors: list[str] = []
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponse(_("Unknown action."), status=400)
        try:
            action[0](request, found)
        except ValidationError as invalid:
            errors = invalid.messages
        else:
            messages.success(request, _(action[1]))
            return redirect(_staff_url(found))
        found = _editable_meeting(request, code, pk)
    context = {
        "meeting": found,
        "municipality": found.municipality,
        "errors": errors,
        "details": MeetingForm(instance=found),
        "agenda_form": AgendaItemForm(),
        "document_form": DocumentForm(),
        "cancel_form": CancelForm(),
        "minutes_form": MinutesForm(initial={"minutes": found.minutes}),
        "reject_form": RejectForm(),
        "answer_form": AnswerForm(),
        "agenda": list(found.agenda.all()),
        "documents": list(found.documents.all()),
        "queue": list(selectors.moderation_queue(found)),
        "published": list(selectors.published_questions(found)),
    }
    return render(request, "council/staff_meeting.html", context, status=400 if errors else 200)


@staff_member_required
@require_POST
def question(request: HttpRequest, code: str, pk: int, question_pk: int) -> HttpResponse:
    """Publish or reject a pending question, or answer a published one."""
    found = _editable_meeting(request, code, pk)
    target = found.questions.filter(pk=question_pk).first()
    if target is None:
        raise Http404(_("No such question."))
    action, staff = request.POST.get("action", ""), _staff(request)
    try:
        if action == "publish":
            services.publish_question(question=target, staff=staff)
            messages.success(request, _("Question published."))
        elif action == "reject":
            services.reject_question(question=target, reason=request.POST.get("reason", ""), staff=staff)
            messages.success(request, _("Question not published; its author sees why."))
        elif action == "answer":
            services.answer_question(question=target, answer=request.POST.get("answer", ""), staff=staff)
            messages.success(request, _("Answer published."))
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except ValidationError as invalid:
        context = {"meeting": found, "messages_": invalid.messages, "back": _staff_url(found)}
        return render(request, "council/refused.html", context, status=400)
    return redirect(_staff_url(found) + f"#q{target.pk}")
