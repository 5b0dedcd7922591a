"""The staff page of a consultation (her municipality only): moderation, closing, responses and the report."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gisportal.consultations import selectors, services
from gisportal.consultations.forms import HideForm, PublishForm, ResponseForm
from gisportal.consultations.models import Comment, Consultation
from gisportal.participants import services as participant_services
from gisportal.participants.forms import ProfileForm
from layers import selectors as layer_selectors
from layers.models import District


def _editable(request: HttpRequest, code: str, pk: int) -> Consultation:
    found = layer_selectors.editable(Consultation, request.user).filter(municipality__code=code, pk=pk)
    consultation = found.select_related("municipality").first()
    if consultation is None:  # another municipality's consultation looks like none at all
        raise Http404(_("There is no such consultation in this municipality."))
    return consultation


def _act(request: HttpRequest, consultation: Consultation) -> str:
    """Run the action the form posted; its confirmation (a refusal raises ValidationError)."""
    action = request.POST.get("action", "")
    user = request.user
    if action in {"hide", "restore"}:
        form = HideForm(request.POST) if action == "hide" else None
        comment_id = request.POST.get("comment", "")
        target = consultation.comments.filter(pk=int(comment_id)).first() if comment_id.isdigit() else None
        if target is None:
            raise ValidationError(_("No such comment in this consultation."))
        if action == "restore":
            services.restore_comment(comment=target, staff=user)  # type: ignore[arg-type]
            return _("The comment is shown again.")
        assert form is not None
        if not form.is_valid():
            raise ValidationError(_("Say why the comment is hidden: the reason is shown in its place."))
        services.hide_comment(comment=target, staff=user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        return _("The comment is hidden; its place shows your reason.")
    if action == "respond":
        response = ResponseForm(request.POST)
        section_id = request.POST.get("section", "")
        section = consultation.sections.filter(pk=int(section_id)).first() if section_id.isdigit() else None
        if section is None or not response.is_valid():
            raise ValidationError(_("No such section in this consultation."))
        services.respond(section=section, text=response.cleaned_data["response"], staff=user)  # type: ignore[arg-type]
        return _("The response is saved.")
    if action == "paper":
        return _paper_comment(request, consultation)
    if action == "close":
        services.close(consultation=consultation, staff=user)  # type: ignore[arg-type]
        return _("The consultation is closed.")
    if action == "publish":
        publish = PublishForm(request.POST)
        summary = publish.cleaned_data["summary"] if publish.is_valid() else ""
        services.publish_report(consultation=consultation, summary=summary, staff=user)  # type: ignore[arg-type]
        return _("The report is published.")
    raise ValidationError(_("Unknown action."))


def paper_form(consultation: Consultation, data: object = None) -> ProfileForm:
    """Who wrote a comment on paper (all optional, for the totals by group), limited to the municipality's districts."""
    form = ProfileForm(data)  # type: ignore[arg-type]
    form.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
        municipality=consultation.municipality
    ).order_by("name")
    return form


def _paper_comment(request: HttpRequest, consultation: Consultation) -> str:
    """A comment received on paper (a letter, a public meeting), entered with its author's group."""
    resident = paper_form(consultation, request.POST)
    section_id = request.POST.get("section", "")
    section = consultation.sections.filter(pk=int(section_id)).first() if section_id.isdigit() else None
    if section is None:
        raise ValidationError(_("No such section in this consultation."))
    if not resident.is_valid():
        raise ValidationError([str(m) for messages in resident.errors.values() for m in messages])
    data = resident.cleaned_data
    with transaction.atomic():  # a refused comment leaves no paper participant behind
        author = participant_services.paper_participant(
            staff=request.user,  # type: ignore[arg-type]
            national_id=data["national_id"],
            gender=data["gender"],
            age_band=data["age_band"],
            district=data["district"],
        )
        services.comment(
            consultation=consultation,
            participant=author,
            body=request.POST.get("body", ""),
            section=section,
            staff=request.user,  # type: ignore[arg-type]
        )
    return _("The paper comment is published.")


@staff_member_required
@require_http_methods(["GET", "POST"])
def staff_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    consultation = _editable(request, code, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            done = _act(request, consultation)
        except ValidationError as invalid:
            errors = invalid.messages
        else:
            messages.success(request, done)
            return HttpResponseRedirect(request.path, status=303)
        consultation.refresh_from_db()
    comments = (
        Comment.objects.filter(consultation=consultation)
        .select_related("section", "district", "parent")
        .order_by("section__position", "created_at", "pk")
    )
    context = {
        "consultation": consultation,
        "municipality": consultation.municipality,
        "sections": selectors.section_figures(consultation),
        "comments": comments,
        "errors": errors,
        "paper": paper_form(consultation),
    }
    return render(request, "consultations/staff.html", context, status=400 if errors else 200)
