"""The scorecards on the municipality's page, after its budget. Linked for every municipality: where it has no score
and no report yet, the pages say so, which a citizen should know too."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.spaces import Space
from layers.models import Municipality


def space(municipality: Municipality) -> Space | None:
    return Space(35, _("Scorecards"), reverse("scorecards:performance", kwargs={"code": municipality.code}))
