"""Staff pages of score cards (her municipalities only): a new cycle, then what was gathered on paper — the facts,
the focus groups' scores, the provider's self-evaluation, the action plan and its dated updates."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gisportal.community_scorecards import selectors, services
from gisportal.community_scorecards.forms import (
    ActionForm,
    ActionUpdateForm,
    CycleForm,
    FocusGroupForm,
    IndicatorForm,
    InputForm,
    SelfEvaluationForm,
)
from gisportal.community_scorecards.models import Cycle, Phase
from layers import selectors as layer_selectors
from layers.models import Municipality


def _editable_cycle(request: HttpRequest, code: str, pk: int) -> Cycle:
    cycle = layer_selectors.editable(Cycle, request.user).filter(municipality__code=code, pk=pk).first()
    if cycle is None:  # another municipality's cycle looks like no cycle at all
        raise Http404(_("There is no such score card in this municipality."))
    return cycle


def _own_municipality(request: HttpRequest, code: str) -> Municipality:
    # A planner may create a cycle where she may edit cycles: the scope rules of the layers, by municipality.
    municipality = Municipality.objects.filter(code=code).first()
    probe = Cycle(municipality=municipality) if municipality else None
    if probe is None or not layer_selectors.in_scope(probe, request.user, for_edit=True):  # type: ignore[arg-type]
        raise Http404(_("There is no municipality with this code."))
    return municipality  # type: ignore[return-value]


def _errors(form: forms.Form, invalid: ValidationError) -> None:
    if hasattr(invalid, "error_dict"):
        for field, errors in invalid.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in invalid.messages:
            form.add_error(None, message)


@staff_member_required
@require_http_methods(["GET", "POST"])
def new_cycle(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _own_municipality(request, code)
    form = CycleForm(request.POST or None, municipality_id=municipality.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phases = {kind: (data[f"{kind}-starts"], data[f"{kind}-ends"]) for kind in Phase.Kind.values}
        try:
            cycle = services.create_cycle(
                municipality=municipality,
                title=data["title"],
                service=data["service"],
                provider=data["provider"],
                subject=data["subject"],
                facility=data["facility"],
                district=data["district"],
                phases=phases,
            )
        except ValidationError as invalid:
            _errors(form, invalid)
        else:
            messages.success(request, _("Score card cycle created."))
            return redirect("community_scorecards:staff", code=code, pk=cycle.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "community_scorecards/staff_new.html", {"municipality": municipality, "form": form}, status=status
    )


def _save_input(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    d = form.cleaned_data
    services.record_input(
        cycle=cycle, name=d["name"], value=d["value"], unit=d["unit"], source=d["source"], planned=d["planned"]
    )


def _save_indicator(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    services.add_indicator(cycle=cycle, name=form.cleaned_data["name"])


def _save_group(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    d = form.cleaned_data
    scores = [
        services.Score(i, d[f"score-{i.pk}"], d[f"reason-{i.pk}"], d[f"suggestion-{i.pk}"])
        for i in form.indicators  # type: ignore[attr-defined]
        if d[f"score-{i.pk}"] not in (None, "")
    ]
    services.record_focus_group(
        cycle=cycle,
        kind=d["kind"],
        district=d["district"],
        size=d["size"],
        met_on=d["met_on"],
        place=d["place"],
        scores=scores,
        staff=request.user,  # type: ignore[arg-type]
    )


def _save_self_evaluation(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    d = form.cleaned_data
    given = services.Score(d["indicator"], d["score"], d["reason"], d["suggestion"])
    services.record_self_evaluation(indicator=d["indicator"], score=given, staff=request.user)  # type: ignore[arg-type]


def _save_action(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    d = form.cleaned_data
    services.agree_action(
        cycle=cycle,
        what=d["what"],
        who=d["who"],
        due_on=d["due_on"],
        agreed_on=d["agreed_on"],
        indicator=d["indicator"],
    )


def _save_update(request: HttpRequest, cycle: Cycle, form: forms.Form) -> None:
    d = form.cleaned_data
    services.update_action(action=d["action"], status=d["status"], note=d["note"], on=d["on"], staff=request.user)  # type: ignore[arg-type]


Saver = Callable[[HttpRequest, Cycle, forms.Form], None]
StrOrPromise = str | Promise


def _forms(cycle: Cycle, data: QueryDict, which: str) -> dict[str, forms.Form]:
    indicators = list(cycle.indicators.order_by("pk"))
    bound = {name: (data if name == which else None) for name in SAVERS}
    return {
        "input": InputForm(bound["input"], prefix="input"),
        "indicator": IndicatorForm(bound["indicator"], prefix="indicator"),
        "group": FocusGroupForm(
            bound["group"], prefix="group", municipality_id=cycle.municipality_id, indicators=indicators
        ),
        "self": SelfEvaluationForm(bound["self"], prefix="self", cycle=cycle),
        "action": ActionForm(bound["action"], prefix="action", cycle=cycle),
        "update": ActionUpdateForm(bound["update"], prefix="update", cycle=cycle),
    }


SAVERS: dict[str, tuple[Saver, StrOrPromise]] = {
    "input": (_save_input, gettext_lazy("Input recorded.")),
    "indicator": (_save_indicator, gettext_lazy("Indicator added.")),
    "group": (_save_group, gettext_lazy("Focus group recorded.")),
    "self": (_save_self_evaluation, gettext_lazy("Self-evaluation recorded.")),
    "action": (_save_action, gettext_lazy("Action added to the plan.")),
    "update": (_save_update, gettext_lazy("Action updated.")),
}


@staff_member_required
@require_http_methods(["GET", "POST"])
def cycle_staff(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cycle = _editable_cycle(request, code, pk)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in SAVERS:
        return HttpResponse(_("Unknown form."), status=400)
    all_forms = _forms(cycle, request.POST, which)
    status = 200
    if which:
        form = all_forms[which]
        status = 400
        if form.is_valid():
            save, done = SAVERS[which]
            try:
                save(request, cycle, form)
            except ValidationError as invalid:
                _errors(form, invalid)
            else:
                messages.success(request, str(done))
                return redirect(reverse("community_scorecards:staff", kwargs={"code": code, "pk": pk}) + f"#{which}")
    plan = selectors.action_plan(cycle)
    context = {
        "cycle": cycle,
        "municipality": cycle.municipality,
        "phase": selectors.current_phase(cycle),
        "phases": cycle.phases.all(),
        "forms": all_forms,
        "which": which,
        "inputs": cycle.inputs.all(),
        "card": selectors.score_card(cycle),
        "groups": cycle.groups.select_related("district"),
        "plan": plan,
        "online_comments": selectors.online_comments(cycle),
    }
    return render(request, "community_scorecards/staff_cycle.html", context, status=status)
