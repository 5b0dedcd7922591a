"""Community score cards on the municipality's page and the national one: the cycles open for scoring today."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from gisportal.community_scorecards import selectors
from gisportal.community_scorecards.models import Cycle, Phase
from gisportal.spaces import Opening, Space
from layers.models import Municipality


def _opening(cycle: Cycle, phase: Phase) -> Opening:
    url = reverse("community_scorecards:score", kwargs={"code": cycle.municipality.code, "pk": cycle.pk})
    return Opening(_("%(cycle)s: give your score") % {"cycle": cycle}, url, formats.date_format(phase.ends_on))


def space(municipality: Municipality) -> Space | None:
    if not Cycle.objects.filter(municipality=municipality).exists():
        return None
    url = reverse("community_scorecards:cycles", kwargs={"code": municipality.code})
    openings = tuple(_opening(c, p) for c, p in selectors.open_for_scoring(cycle__municipality=municipality))
    return Space(36, _("Community score cards"), url, openings)


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return [(cycle.municipality, _opening(cycle, phase)) for cycle, phase in selectors.open_for_scoring()]
