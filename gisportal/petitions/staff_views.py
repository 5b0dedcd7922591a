"""Staff pages of petitions (their municipality only): check a petition, open or refuse it, enter paper
signatures, publish the answer. Another municipality's petition looks like no petition at all."""

from collections.abc import Callable
from typing import cast

from django import forms as forms_module
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
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


def _bound(request: HttpRequest, name: str) -> QueryDict | None:
    """The POST data for the one form of the page that was sent (each says which it is in its `form` field)."""
    return request.POST if request.POST.get("form") == name else None


@staff_member_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One petition's staff page: the forms its state allows (review, paper signatures, answer)."""
    petition = _editable_petition(request, code, pk)
    staff = cast(User, request.user)  # staff_member_required: a signed-in staff member
    forms: dict[str, forms_module.Form] = {
        "OpenForm": OpenForm(_bound(request, "OpenForm")),
        "RefuseForm": RefuseForm(_bound(request, "RefuseForm")),
        "AnswerForm": AnswerForm(_bound(request, "AnswerForm")),
        "PaperSignatureForm": PaperSignatureForm(
            _bound(request, "PaperSignatureForm"), municipality_id=petition.municipality_id
        ),
    }
    actions: dict[str, tuple[Callable[[dict], object], str]] = {
        "OpenForm": (
            lambda d: services.open_petition(petition=petition, staff=staff, closes_on=d["closes_on"]),
            _("Saved."),
        ),
        "RefuseForm": (
            lambda d: services.refuse_petition(petition=petition, staff=staff, reason=d["reason"]),
            _("Saved."),
        ),
        "AnswerForm": (
            lambda d: services.publish_answer(petition=petition, staff=staff, answer=d["answer"]),
            _("Saved."),
        ),
        "PaperSignatureForm": (
            lambda d: services.sign_on_paper(
                petition=petition, staff=staff, national_id=d["national_id"], district=d["district"]
            ),
            _("Paper signature recorded."),
        ),
    }
    status = 200
    for name, form in forms.items():
        if not form.is_bound:
            continue
        status = 400
        if form.is_valid():
            action, done = actions[name]
            try:
                action(form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(request.path, status=303)
    context = {
        "municipality": petition.municipality,
        "petition": petition,
        "progress": selectors.progress(petition),
        "threshold": services.threshold_for(petition),
        "open_form": forms["OpenForm"],
        "refuse_form": forms["RefuseForm"],
        "answer_form": forms["AnswerForm"],
        "paper_form": forms["PaperSignatureForm"],
        "public_url": reverse("petitions:petition", kwargs={"code": code, "pk": pk}),
    }
    return render(request, "petitions/staff_petition.html", context, status=status)
