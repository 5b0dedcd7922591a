"""Community score cards on the municipality's page and the national one: the cycles open for scoring today."""

from datetime import date

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gisportal.community_scorecards import selectors
from gisportal.community_scorecards.models import Cycle, Phase
from gisportal.spaces import Opening, Space
from layers.models import Municipality


def _opening(code: str, pk: int, title: str, ends_on: date) -> Opening:
    url = reverse("community_scorecards:score", kwargs={"code": code, "pk": pk})
    return Opening(_("%(cycle)s: give your score") % {"cycle": title}, url, formats.date_format(ends_on))


def space(municipality: Municipality) -> Space | None:
    """In one query: the municipality's cycles, each with the end of its scoring phase if that runs today."""
    today = timezone.localdate()
    scoring = Phase.objects.filter(
        cycle=OuterRef("pk"), kind=Phase.Kind.SCORING, starts_on__lte=today, ends_on__gte=today
    ).values("ends_on")[:1]
    cycles = list(
        Cycle.objects.filter(municipality=municipality)
        .annotate(scoring_ends=Subquery(scoring))
        .order_by("scoring_ends", "pk")
        .values_list("pk", "title", "scoring_ends")
    )
    if not cycles:
        return None
    url = reverse("community_scorecards:cycles", kwargs={"code": municipality.code})
    openings = tuple(_opening(municipality.code, pk, title, ends) for pk, title, ends in cycles if ends is not None)
    return Space(36, _("Community score cards"), url, openings)


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return [
        (cycle.municipality, _opening(cycle.municipality.code, cycle.pk, cycle.title, phase.ends_on))
        for cycle, phase in selectors.open_for_scoring()
    ]
