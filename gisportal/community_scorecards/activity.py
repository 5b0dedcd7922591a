"""What a participant scored in community score cards, for her own page (nobody else sees it)."""

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.community_scorecards.models import Cycle, OnlineScore
from gisportal.participants.activity import Activity
from gisportal.participants.models import Participant


def of(participant: Participant) -> list[Activity]:
    latest = dict(
        OnlineScore.objects.filter(participant=participant)
        .values("cycle")
        .annotate(at=Max("scored_at"))
        .values_list("cycle", "at")
    )
    cycles = Cycle.objects.filter(pk__in=latest).select_related("municipality")
    return [
        Activity(
            latest[cycle.pk],
            _("You scored %(cycle)s") % {"cycle": cycle},
            reverse("community_scorecards:cycle", kwargs={"code": cycle.municipality.code, "pk": cycle.pk}),
        )
        for cycle in cycles
    ]
