"""Staff pages of petitions (their municipality only): check a petition, open or refuse it, enter paper
signatures, publish the answer. Another municipality's petition looks like no petition at all."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gisportal.petitions import selectors, services
from gisportal.petitions.forms import AnswerForm, OpenForm, PaperSignatureForm, RefuseForm
from gisportal.petitions.models import Petition, State
from layers import selectors as layer_selectors
from layers.models import Municipality


def _editable_municipality(request: HttpRequest, code: str) -> Municipality:
    municipality = selectors.municipality_of(code)
    if municipality is None or not layer_selectors.in_scope(
        Petition(municipality=municipality), request.user, for_edit=True
    ):
        raise Http404(_("There is no municipality with this code."))
    return municipality


def _editable_petition(request: HttpRequest, code: str, pk: int) -> Petition:
    petition = (
        selectors.with_counts(layer_selectors.editable(Petition, request.user))
        .filter(municipality__code=code, pk=pk)
        .exclude(state=State.DRAFT)
        .select_related("municipality", "district")
        .first()
    )
    if petition is None:
        raise Http404(_("No such petition."))
    return petition


@staff_member_required
def desk(request: HttpRequest, code: str) -> HttpResponse:
    """The municipality's petitions that wait for staff: to check, open for signatures, to answer."""
    municipality = _editable_municipality(request, code)
    petitions = selectors.with_counts(
        layer_selectors.editable(Petition, request.user).filter(
            municipality=municipality, state__in=[State.IN_REVIEW, State.OPEN, State.THRESHOLD_REACHED]
        )
    ).order_by("state", "answer_due_on", "pk")
    return render(request, "petitions/staff_desk.html", {"municipality": municipality, "petitions": petitions})


def _act(request: HttpRequest, petition: Petition, form_class: type, action) -> tuple[object, int] | HttpResponse:  # type: ignore[no-untyped-def]
    form = form_class(request.POST if request.POST.get("form") == form_class.__name__ else None)
    if not form.is_bound:
        return form, 200
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error(None, message)
        else:
            return HttpResponseRedirect(request.path, status=303)
    return form, 400


@staff_member_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One petition's staff page: the forms its state allows (review, paper signatures, answer)."""
    petition = _editable_petition(request, code, pk)
    staff = request.user
    forms: dict[str, object] = {}
    status = 200
    actions = {
        OpenForm: lambda data: services.open_petition(petition=petition, staff=staff, closes_on=data["closes_on"]),  # type: ignore[arg-type]
        RefuseForm: lambda data: services.refuse_petition(petition=petition, staff=staff, reason=data["reason"]),  # type: ignore[arg-type]
        AnswerForm: lambda data: services.publish_answer(petition=petition, staff=staff, answer=data["answer"]),  # type: ignore[arg-type]
    }
    for form_class, action in actions.items():
        result = _act(request, petition, form_class, action)
        if isinstance(result, HttpResponse):
            messages.success(request, _("Saved."))
            return result
        forms[form_class.__name__], form_status = result
        status = max(status, form_status)
    paper = PaperSignatureForm(
        request.POST if request.POST.get("form") == "PaperSignatureForm" else None,
        municipality_id=petition.municipality_id,
    )
    if paper.is_bound:
        status = 400
        if paper.is_valid():
            try:
                services.sign_on_paper(
                    petition=petition,
                    staff=staff,  # type: ignore[arg-type]
                    national_id=paper.cleaned_data["national_id"],
                    district=paper.cleaned_data["district"],
                )
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    paper.add_error(None, message)
            else:
                messages.success(request, _("Paper signature recorded."))
                return HttpResponseRedirect(request.path, status=303)
    context = {
        "municipality": petition.municipality,
        "petition": petition,
        "progress": selectors.progress(petition),
        "threshold": services.threshold_for(petition),
        "open_form": forms["OpenForm"],
        "refuse_form": forms["RefuseForm"],
        "answer_form": forms["AnswerForm"],
        "paper_form": paper,
        "public_url": reverse("petitions:petition", kwargs={"code": code, "pk": pk}),
    }
    return render(request, "petitions/staff_petition.html", context, status=status)
