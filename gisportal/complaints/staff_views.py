"""Staff pages: the scoped list and map with filters, one report's workflow, CSV export."""

import itertools

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import FloatField, Func, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gisportal import spreadsheets
from gisportal.complaints import forms, selectors, services
from layers import selectors as layer_selectors
from layers.models import Complaint, Municipality

PAGE_SIZE = 50
CSV_COLUMNS = (
    "tracking_code",
    "created_at",
    "municipality__code",
    "municipality__name_fr",
    "district__name",
    "category",
    "status",
    "priority",
    "due_at",
    "assignee__username",
    "description",
    "lon",
    "lat",
)


def _filtered(request: HttpRequest) -> tuple[forms.StaffFilterForm, QuerySet[Complaint]]:
    form = forms.StaffFilterForm(
        request.GET or None, municipalities=layer_selectors.visible(Municipality, request.user)
    )
    filters = form.filters() if form.is_bound and form.is_valid() else selectors.StaffFilters()
    return form, selectors.staff_complaints(request.user, filters)


@staff_member_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    form, complaints = _filtered(request)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [complaint.pk for complaint in page]
    context = {
        "form": form,
        "page": page,
        "possible_duplicates": selectors.flagged_as_possible_duplicates(ids),
        "now": timezone.now(),
        "geojson": selectors.staff_geojson(Complaint.objects.filter(pk__in=ids)),
        "query": request.GET.urlencode(),
    }
    return render(request, "complaints/staff_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_member_required
def complaint_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every filtered report, streamed (the contact stays out: the export leaves the portal)."""
    _form, complaints = _filtered(request)
    coordinates = {
        "lon": Func("location", function="ST_X", output_field=FloatField()),
        "lat": Func("location", function="ST_Y", output_field=FloatField()),
    }
    rows = complaints.annotate(**coordinates).values_list(*CSV_COLUMNS)
    writer = spreadsheets.writer(_Echo())  # descriptions are citizens' text: never a live formula
    lines = (writer.writerow(row) for row in itertools.chain([CSV_COLUMNS], rows.iterator()))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
    return response


def _complaint_or_404(request: HttpRequest, code: str) -> Complaint:
    complaint = selectors.staff_complaint(request.user, code)
    if complaint is None:
        raise Http404
    return complaint


@staff_member_required
def complaint_detail(request: HttpRequest, code: str, triage_form: forms.TriageForm | None = None) -> HttpResponse:
    complaint = _complaint_or_404(request, code)
    context = {
        "complaint": complaint,
        "updates": complaint.updates.select_related("author"),
        "photos": complaint.photos.all(),
        "answers": selectors.answers_shown(complaint),
        "followers": complaint.followers.count(),
        "possible_duplicates": selectors.possible_duplicates(complaint, request.user),
        "duplicate_radius": f"{selectors.duplicate_radius_m():g}",
        "duplicate_hours": f"{selectors.duplicate_window().total_seconds() / 3600:g}",
        "triage_form": triage_form or forms.TriageForm(complaint=complaint),
        "satisfaction": complaint.satisfaction_answers.order_by("created_at"),
        "templates": selectors.response_templates(complaint),
        "now": timezone.now(),
        "editable": layer_selectors.in_scope(complaint, request.user, for_edit=True),
    }
    return render(request, "complaints/staff_detail.html", context)


def _apply(request: HttpRequest, code: str, action: str) -> HttpResponse:
    complaint = _complaint_or_404(request, code)
    user = services.staff_user(request.user)
    try:
        _run(action, complaint, request, user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        # The one form comes back as it was filled, so nothing typed is lost.
        filled = forms.TriageForm(request.POST, complaint=complaint) if action == "save" else None
        return _bad(request, code, triage_form=filled)
    except PermissionError as error:
        messages.error(request, str(error))
        return _bad(request, code, status=403)
    messages.success(request, _("Saved."))
    return redirect("complaints:staff_detail", code=code)


def _bad(
    request: HttpRequest, code: str, status: int = 400, triage_form: forms.TriageForm | None = None
) -> HttpResponse:
    response = complaint_detail(request, code, triage_form)
    response.status_code = status
    return response


def _run(action: str, complaint: Complaint, request: HttpRequest, user: User) -> None:
    form: Form
    if action == "save":
        form = forms.TriageForm(request.POST, complaint=complaint)
        _valid(form)
        data = form.cleaned_data
        original = None
        if data["status"] == Complaint.Status.DUPLICATE:
            original = selectors.staff_complaint(user, data["duplicate_of"].strip().upper())
        services.triage(
            complaint,
            by=user,
            status=data["status"],
            note=data["note"],
            public=data["public"],
            duplicate_of=original,
            assignee=data["assignee"],
            priority=data["priority"],
            hidden=data["hidden"],
            description=data["description"],
        )
    elif action == "status":
        form = forms.StatusForm(request.POST, complaint=complaint)
        _valid(form)
        data = form.cleaned_data
        original = None
        if data["status"] == Complaint.Status.DUPLICATE:
            original = selectors.staff_complaint(user, data["duplicate_of"].strip().upper())
        services.change_status(
            complaint, to=data["status"], by=user, note=data["note"], public=data["public"], duplicate_of=original
        )
    elif action == "note":
        form = forms.NoteForm(request.POST)
        _valid(form)
        services.add_note(complaint, by=user, note=form.cleaned_data["note"], public=form.cleaned_data["public"])
    elif action == "assign":
        form = forms.AssignForm(request.POST, complaint=complaint)
        _valid(form)
        services.assign(complaint, to=form.cleaned_data["assignee"], by=user)
    elif action == "priority":
        form = forms.PriorityForm(request.POST)
        _valid(form)
        services.set_priority(complaint, priority=form.cleaned_data["priority"], by=user)
    elif action == "moderate":
        form = forms.ModerationForm(request.POST)
        _valid(form)
        data = form.cleaned_data
        services.moderate(complaint, by=user, hidden=data["hidden"], description=data["description"])
    else:
        raise Http404


def _valid(form: Form) -> None:
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])


@staff_member_required
@require_POST
def complaint_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    return _apply(request, code, action)
