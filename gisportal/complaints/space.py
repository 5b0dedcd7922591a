"""Reporting a problem, first among the spaces of a municipality's page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.spaces import Space
from layers.models import Municipality


def space(municipality: Municipality) -> Space:
    return Space(10, _("Report a problem"), reverse("complaints:report"))
