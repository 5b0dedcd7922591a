"""The planner's page: choose containers, depot, trucks; run; compare the proposal with today's routes on the map;
accept or discard; undo an accepted plan. Her municipalities only (`selectors.plannable_municipality`)."""

from __future__ import annotations

import folium
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gisportal.routing import selectors, services
from gisportal.routing.forms import OptimisationForm
from gisportal.routing.models import OptimisationRun
from gisportal.routing.planning import Parameters, PlanningError
from maps import builders
from maps import selectors as map_selectors


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_member_required let only staff in
    return request.user


@staff_member_required
def planner(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.plannable_municipality(_user(request), code)
    if municipality is None:
        raise Http404
    form = OptimisationForm(request.POST or None, municipality=municipality)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            parameters = Parameters.clean(form.parameters(), municipality=municipality)
        except PlanningError as problem:
            error = str(problem)
        else:
            run = services.request_optimisation(
                municipality=municipality, user=_user(request), parameters=parameters, language=request.LANGUAGE_CODE
            )
            return redirect("routing:run", run_id=run.pk)
    runs = selectors.runs(_user(request)).filter(municipality=municipality)[:10]
    for listed in runs:
        services.fail_if_abandoned(listed)
    status = 400 if (form.errors or error) else 200
    context = {"municipality": municipality, "form": form, "error": error, "runs": runs}
    return render(request, "routing/planner.html", context, status=status)


def _run_for(request: HttpRequest, run_id: int) -> OptimisationRun:
    return get_object_or_404(selectors.runs(_user(request)), pk=run_id)


@staff_member_required
@transaction.non_atomic_requests
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    found = _run_for(request, run_id)
    services.fail_if_abandoned(found)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": found.status,
                "status_label": found.get_status_display(),
                "stage": found.stage,
                "percent": found.percent,
                "summary": found.summary,
                "error": found.error,
            }
        )
    context = {"run": found, "proposal": found.proposal, "current": found.current}
    if found.proposal:
        context["map"] = builders.render_parts(_map(found))
        # Containers, not visits: one collected on three days' rounds counts once.
        context["served"] = len({stop["id"] for route in found.proposal["routes"] for stop in route["stops"]})
        week = "km_week" if "km_week" in found.proposal else "km"  # runs before the plan per day had none
        context["saved_km"] = round(found.current.get(week, 0) - found.proposal[week], 1)
    return render(request, "routing/run.html", context)


@staff_member_required
@require_POST
def decide(request: HttpRequest, run_id: int, action: str) -> HttpResponse:
    found = _run_for(request, run_id)
    try:
        if action == "accept":
            services.accept(run=found, user=_user(request))
        elif action == "discard":
            services.discard(run=found)
        elif action == "restore":
            services.restore(run=found)
        else:
            raise Http404
    except services.DecisionError as error:
        return render(request, "routing/run.html", {"run": found, "error": str(error)}, status=409)
    return redirect("routing:run", run_id=found.pk)


def _map(found: OptimisationRun) -> folium.Map:
    """Today's routes in grey, dashed, under the proposed ones in colour (today's no longer once accepted)."""
    frame = map_selectors.municipality_frame(found.municipality.code)
    assert frame is not None
    return builders.route_proposal_map(
        frame, found.proposal.get("routes", []), today=found.status != OptimisationRun.Status.ACCEPTED
    )
