"""Staff pages of a budget (her municipality only): paper ballots, for residents who vote without a phone."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gisportal.budgeting import selectors, services
from gisportal.budgeting.models import Budget
from gisportal.participants import services as participant_services
from gisportal.participants.forms import ProfileForm
from layers import selectors as layer_selectors
from layers.models import District


def _editable_budget(request: HttpRequest, code: str, year: int) -> Budget:
    budget = layer_selectors.editable(Budget, request.user).filter(municipality__code=code, year=year).first()
    if budget is None:  # another municipality's budget looks like no budget at all
        raise Http404(_("There is no participatory budget for this municipality and year."))
    return budget


@staff_member_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A paper ballot: the voter's optional ID (one person, one ballot) and group, then her choices."""
    budget = _editable_budget(request, code, year)
    voter = ProfileForm(request.POST or None)
    voter.fields["district"].queryset = District.objects.filter(municipality=budget.municipality).order_by("name")  # type: ignore[attr-defined]
    if request.method == "POST" and voter.is_valid():
        district: District | None = voter.cleaned_data["district"]
        chosen = [int(pk) for pk in request.POST.getlist("proposal") if pk.isdigit()]
        try:
            with transaction.atomic():  # a refused ballot leaves no paper participant behind
                participant = participant_services.paper_participant(
                    staff=request.user,  # type: ignore[arg-type]
                    national_id=voter.cleaned_data["national_id"],
                    gender=voter.cleaned_data["gender"],
                    age_band=voter.cleaned_data["age_band"],
                    district=district,
                )
                services.cast_ballot(
                    budget=budget,
                    participant=participant,
                    proposal_ids=chosen,
                    district=district,
                    staff=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as invalid:
            for message in invalid.messages:
                voter.add_error(None, message)
        else:
            messages.success(request, _("Paper ballot recorded."))
            return redirect(request.path)
    envelopes = {e.pk: e for e in selectors.envelopes(budget)}
    options = selectors.ballot_options(budget, None, every_district=True)
    context = {
        "budget": budget,
        "voter": voter,
        "ballot": [(envelopes[pk], proposals) for pk, proposals in options.items()],
        "turnout": selectors.turnout(budget),
        "open": selectors.can(budget, "voting"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "budgeting/paper_ballot.html", context, status=status)
