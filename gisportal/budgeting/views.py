"""Citizen pages of a participatory budget: the cycle, proposals on a map, the ballot, results, tracked projects.

Every form is a plain HTML form (proposing and voting work without JavaScript); the map only enhances it.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gisportal.budgeting import explanations, selectors, services
from gisportal.budgeting.forms import ProposalFilterForm, ProposalForm
from gisportal.budgeting.models import Ballot, Budget, Phase, TrackedProject
from gisportal.complaints import abuse
from gisportal.participants import selectors as participant_selectors
from gisportal.participants.models import Participant
from layers.models import District


def budget_or_404(code: str, year: int) -> Budget:
    budget = selectors.budget_of(code, year)
    if budget is None:
        raise Http404(_("There is no participatory budget for this municipality and year."))
    return budget


def _context(request: HttpRequest, budget: Budget, **extra: object) -> dict:
    context = {
        "budget": budget,
        "municipality": budget.municipality,
        "phase": selectors.current_phase(budget),
        "phases": budget.phases.all(),
        **extra,
    }
    if "participant" not in context:
        context["participant"] = participant_selectors.current_participant(request)
    return context


def _sign_in(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("participants:start") + "?next=" + request.get_full_path())


def _filters(request: HttpRequest, budget: Budget) -> tuple[ProposalFilterForm, selectors.ProposalFilter]:
    form = ProposalFilterForm(request.GET or None, municipality_id=budget.municipality_id)
    if not form.is_bound or not form.is_valid():
        return form, selectors.ProposalFilter()
    data = form.cleaned_data
    district = data["district"]
    return form, selectors.ProposalFilter(
        district=district.pk if district else None,
        category=data["category"],
        status=data["status"],
        min_cost=data["min_cost"],
        max_cost=data["max_cost"],
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    budgets = list(selectors.budgets())
    rows = [(budget, selectors.current_phase(budget)) for budget in budgets]
    return render(request, "budgeting/index.html", {"rows": rows})


@require_GET
def budget_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    form, where = _filters(request, budget)
    status = 400 if form.is_bound and form.errors else 200
    context = _context(
        request,
        budget,
        filter_form=form,
        proposals=selectors.proposals(budget, where)[:200],
        envelopes=selectors.envelopes(budget),
        query=request.GET.urlencode(),
    )
    return render(request, "budgeting/budget.html", context, status=status)


@require_GET
def proposal_page(request: HttpRequest, code: str, year: int, proposal_code: str) -> HttpResponse:
    budget = budget_or_404(code, year)
    proposal = (
        budget.proposals.select_related("district", "merged_into", "envelope__district")
        .filter(code=proposal_code)
        .first()
    )
    if proposal is None:
        raise Http404(_("No such proposal."))
    return render(request, "budgeting/proposal.html", _context(request, budget, proposal=proposal))


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    participant = participant_selectors.current_participant(request)
    if not selectors.can(budget, Phase.Kind.PROPOSALS):
        return render(request, "budgeting/closed.html", _context(request, budget, what="proposals"), status=403)
    if participant is None:
        return _sign_in(request)
    form = ProposalForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if abuse.body_too_large(request.META):
            return HttpResponse(_("This proposal is too large: one photo of at most 8 MB."), status=413)
        if form.is_valid() and not form.cleaned_data["website"]:
            data = form.cleaned_data
            try:
                proposal = services.submit_proposal(
                    budget=budget,
                    author=participant,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    location=data["location"],
                    estimated_cost=data["estimated_cost"],
                    photo=data["photo"],
                    ip=request.META.get("REMOTE_ADDR", ""),
                )
            except ValidationError as invalid:
                for message in invalid.messages:
                    form.add_error(None, message)
            except abuse.RateLimited:
                form.add_error(None, _("You have sent many proposals in a short time. Please try again later."))
                status = 429
            else:
                url = reverse("budgeting:proposal", kwargs={"code": code, "year": year, "proposal_code": proposal.code})
                return redirect(url + "?new=1")
    return render(request, "budgeting/propose.html", _context(request, budget, form=form), status=status)


def _ballot_district(
    request: HttpRequest, budget: Budget, participant: Participant, own: Ballot | None
) -> District | None:
    """Where she votes: the district she picks on the ballot page, else the one of her ballot, else the one
    she declared (envelopes' districts only: the others have no ballot of their own)."""
    districts = {e.district.pk: e.district for e in budget.envelopes.all() if e.district is not None}
    for chosen in (request.POST.get("district"), request.GET.get("district")):
        if chosen and chosen.isdigit() and int(chosen) in districts:
            return districts[int(chosen)]
    for known in (own.district_id if own else None, participant.district_id):
        if known in districts:
            return districts[known]  # type: ignore[index]
    return None


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    if not selectors.can(budget, Phase.Kind.VOTING):
        return render(request, "budgeting/closed.html", _context(request, budget, what="voting"), status=403)
    participant = participant_selectors.current_participant(request)
    if participant is None:
        return _sign_in(request)
    own = selectors.own_ballot(budget, participant)
    district = _ballot_district(request, budget, participant, own)
    errors: list[str] = []
    status = 200
    chosen = [int(pk) for pk in request.POST.getlist("proposal") if pk.isdigit()]
    if request.method == "POST":
        try:
            services.cast_ballot(
                budget=budget,
                participant=participant,
                proposal_ids=chosen,
                district=district,
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        except ValidationError as invalid:
            errors, status = invalid.messages, 400
        except abuse.RateLimited:
            errors, status = [_("Too many ballots from this connection. Please try again later.")], 429
        else:  # after a POST, a GET: a reload never casts the ballot again
            return HttpResponseRedirect(request.path + "?saved=1", status=303)
    if request.method == "GET" and own is not None:
        chosen = own.proposals
    options = selectors.ballot_options(budget, district)
    envelopes = {e.pk: e for e in budget.envelopes.all()}
    district_envelopes = [e for e in envelopes.values() if e.district_id is not None]
    context = _context(
        request,
        budget,
        participant=participant,
        ballot=[(envelopes[pk], proposals) for pk, proposals in options.items()],
        chosen=set(chosen),
        district=district,
        districts=[e.district for e in district_envelopes],
        needs_district=bool(district_envelopes) and district is None,
        errors=errors,
        saved="saved" in request.GET and own is not None,
        has_ballot=own is not None,
    )
    return render(request, "budgeting/vote.html", context, status=status)


@require_GET
def results(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    if not selectors.results_public(budget):
        return render(request, "budgeting/closed.html", _context(request, budget, what="results"), status=404)
    by_gender = selectors.votes_by_group(budget, "gender")
    envelopes = []
    for envelope in selectors.envelopes(budget):
        counted = (
            envelope.proposals.filter(outcome__isnull=False)
            .select_related("outcome")
            .order_by("-outcome__selected", "outcome__rank", "code")
        )
        rows = [
            (
                p,
                explanations.explain(budget, p.outcome),
                by_gender.get(p.pk, {}).get("woman"),
                by_gender.get(p.pk, {}).get("man"),
            )
            for p in counted
        ]
        envelopes.append((envelope, rows, sum(p.ballot_cost for p in counted if p.outcome.selected)))
    context = _context(request, budget, envelopes=envelopes, turnout=selectors.turnout(budget))
    return render(request, "budgeting/results.html", context)


@require_GET
def projects(request: HttpRequest, code: str, year: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    rows = [(p, selectors.rolled_up_progress(p)) for p in selectors.tracked_projects(budget)]
    return render(request, "budgeting/projects.html", _context(request, budget, rows=rows))


@require_http_methods(["GET", "POST"])
def project(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    budget = budget_or_404(code, year)
    tracked = TrackedProject.objects.filter(budget=budget, pk=pk).select_related("proposal").first()
    if tracked is None:
        raise Http404(_("No such project."))
    participant = participant_selectors.current_participant(request)
    if request.method == "POST":
        if participant is None:
            return _sign_in(request)
        services.follow_project(project=tracked, participant=participant)
        return redirect(request.path + "?following=1")
    context = _context(
        request,
        budget,
        project=tracked,
        progress=selectors.rolled_up_progress(tracked),
        parts=tracked.parts.all(),
        milestones=tracked.milestones.all(),
        following=participant is not None and tracked.followers.filter(participant=participant).exists(),
    )
    return render(request, "budgeting/project.html", context)
