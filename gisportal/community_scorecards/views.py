"""Citizen pages of community score cards: a municipality's cycles, a cycle's score card, the online score form.

Every form is a plain HTML form; the charts are SVG written on the server, each with its table beside it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gisportal.community_scorecards import charts, selectors, services
from gisportal.community_scorecards.forms import OnlineScoreForm
from gisportal.community_scorecards.models import Cycle
from gisportal.complaints import abuse
from gisportal.participants import selectors as participant_selectors
from layers.models import Municipality
from layers.templatetags.place_names import local_name


def cycle_or_404(code: str, pk: int) -> Cycle:
    cycle = selectors.cycle_of(code, pk)
    if cycle is None:
        raise Http404(_("There is no such score card in this municipality."))
    return cycle


def _context(cycle: Cycle, **extra: object) -> dict:
    return {
        "cycle": cycle,
        "municipality": cycle.municipality,
        "phase": selectors.current_phase(cycle),
        "phases": cycle.phases.all(),
        "scoring_open": selectors.scoring_open(cycle),
        **extra,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.filter(score_card_cycles__isnull=False).distinct().order_by("name_fr")
    context = {"municipalities": municipalities, "open_now": selectors.open_for_scoring()}
    return render(request, "community_scorecards/index.html", context)


@require_GET
def cycles(request: HttpRequest, code: str) -> HttpResponse:
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise Http404(_("There is no municipality with this code."))
    rows = [(c, selectors.current_phase(c), selectors.scoring_open(c)) for c in selectors.cycles_of(code)]
    return render(request, "community_scorecards/cycles.html", {"municipality": municipality, "rows": rows})


def _chart(row: selectors.Row, rtl: bool) -> str:
    bars = [charts.Bar(str(group), score) for group, score in row.by_group]
    bars.append(charts.Bar(_("Service provider (self-evaluation)"), row.self_score, charts.PROVIDER))
    online = _("Online (%(count)s)") % {"count": row.online_count}
    bars.append(charts.Bar(online, row.online_mean, charts.ONLINE))
    return charts.score_bars(bars, rtl=rtl, title=_("Scores of “%(indicator)s”") % {"indicator": row.indicator.name})


@require_GET
def cycle_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cycle = cycle_or_404(code, pk)
    rtl = get_language_bidi()
    card = selectors.score_card(cycle)
    plan = selectors.action_plan(cycle)
    context = _context(
        cycle,
        inputs=list(cycle.inputs.all()),
        groups=list(cycle.groups.select_related("district")),
        card=[(row, _chart(row, rtl)) for row in card],
        plan=plan,
        progress=selectors.plan_progress(plan),
        online_participants=selectors.online_participants(cycle),
        subject_name=local_name(cycle.facility or cycle.district) if cycle.subject != Cycle.Subject.SERVICE else "",
    )
    return render(request, "community_scorecards/cycle.html", context)


@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cycle = cycle_or_404(code, pk)
    if not selectors.scoring_open(cycle):
        return render(request, "community_scorecards/closed.html", _context(cycle), status=403)
    participant = participant_selectors.current_participant(request)
    if participant is None or participant.verified_at is None:
        return redirect(reverse("participants:start") + "?next=" + request.get_full_path())
    indicators = list(cycle.indicators.order_by("pk"))
    own = selectors.own_scores(cycle, participant)
    initial: dict[str, object] = {}
    for indicator_id, given in own.items():
        initial |= {
            f"score-{indicator_id}": given.score,
            f"reason-{indicator_id}": given.reason,
            f"suggestion-{indicator_id}": given.suggestion,
        }
    form = OnlineScoreForm(request.POST or None, initial=initial, indicators=indicators)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not form.cleaned_data["website"]:
            data = form.cleaned_data
            scores = [
                services.Score(i, data[f"score-{i.pk}"], data[f"reason-{i.pk}"], data[f"suggestion-{i.pk}"])
                for i in indicators
                if data[f"score-{i.pk}"] not in (None, "")
            ]
            try:
                services.score_online(
                    cycle=cycle, participant=participant, scores=scores, ip=request.META.get("REMOTE_ADDR", "")
                )
            except ValidationError as invalid:
                for message in invalid.messages:
                    form.add_error(None, message)
            except abuse.Banned:
                form.add_error(None, _("Participation from this address or contact is not accepted."))
                status = 403
            except PermissionDenied as refused:
                form.add_error(None, str(refused))
                status = 403
            except abuse.RateLimited:
                form.add_error(None, _("Too many scores from this connection. Please try again later."))
                status = 429
            else:  # after a POST, a GET: a reload never sends the scores again
                return HttpResponseRedirect(request.path + "?saved=1", status=303)
        elif form.is_valid():  # the honeypot was filled: say nothing, store nothing
            form.add_error(None, _("Your scores could not be recorded."))
    context = _context(cycle, form=form, saved="saved" in request.GET and bool(own), has_scored=bool(own))
    return render(request, "community_scorecards/score.html", context, status=status)
