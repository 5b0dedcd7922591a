"""The participatory budget on the municipality's page and the national one: what a citizen can do in it today."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gisportal.budgeting.models import Budget, Phase
from gisportal.spaces import Opening, Space
from layers.models import Municipality

# The phases in which a citizen acts; the others are read-only.
OPEN_PHASES = {
    Phase.Kind.PROPOSALS: ("propose", lambda budget: _("%(budget)s: propose a project") % {"budget": budget}),
    Phase.Kind.VOTING: ("vote", lambda budget: _("%(budget)s: vote") % {"budget": budget}),
}


def _openings(phases: list[Phase]) -> list[tuple[Municipality, Opening]]:
    found = []
    for phase in phases:
        budget = phase.budget
        page, what = OPEN_PHASES[phase.kind]  # type: ignore[index]
        url = reverse(f"budgeting:{page}", kwargs={"code": budget.municipality.code, "year": budget.year})
        found.append((budget.municipality, Opening(what(budget), url, formats.date_format(phase.ends_on))))
    return found


def _open_phases(**where: object) -> list[Phase]:
    today = timezone.localdate()
    return list(
        Phase.objects.filter(kind__in=OPEN_PHASES, starts_on__lte=today, ends_on__gte=today, **where)
        .select_related("budget__municipality")
        .order_by("ends_on")
    )


def space(municipality: Municipality) -> Space | None:
    latest = Budget.objects.filter(municipality=municipality).order_by("-year").first()
    if latest is None:
        return None
    url = reverse("budgeting:budget", kwargs={"code": municipality.code, "year": latest.year})
    openings = _openings(_open_phases(budget__municipality=municipality))
    return Space(32, _("Participatory budget"), url, tuple(opening for _m, opening in openings))


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return _openings(_open_phases())
