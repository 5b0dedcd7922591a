"""The staff page of a consultation (her municipality only): moderation, closing, responses and the report."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gisportal.consultations import selectors, services
from gisportal.consultations.forms import HideForm, PublishForm, ResponseForm
from gisportal.consultations.models import Comment, Consultation
from layers import selectors as layer_selectors


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
    if action == "close":
        services.close(consultation=consultation, staff=user)  # type: ignore[arg-type]
        return _("The consultation is closed.")
    if action == "publish":
        publish = PublishForm(request.POST)
        summary = publish.cleaned_data["summary"] if publish.is_valid() else ""
        services.publish_report(consultation=consultation, summary=summary, staff=user)  # type: ignore[arg-type]
        return _("The report is published.")
    raise ValidationError(_("Unknown action."))


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
    }
    return render(request, "consultations/staff.html", context, status=400 if errors else 200)
