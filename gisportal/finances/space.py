"""The budget on the municipality's page. Linked for every municipality: where no budget is loaded, the page says so
(and shows the national evaluation's score), which a citizen should know too."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.spaces import Space
from layers.models import Municipality


def space(municipality: Municipality) -> Space | None:
    return Space(30, _("Budget"), reverse("finances:budget", kwargs={"code": municipality.code}))
