"""Consultations on the municipality's page and the national one: what a resident can comment on today."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from gisportal.consultations import selectors
from gisportal.consultations.models import Consultation
from gisportal.spaces import Opening, Space
from layers.models import Municipality


def _openings(found: list[Consultation]) -> list[tuple[Municipality, Opening]]:
    return [
        (
            c.municipality,
            Opening(
                _("Consultation: %(title)s") % {"title": c.title},
                reverse("consultations:consultation", kwargs={"code": c.municipality.code, "pk": c.pk}),
                formats.date_format(c.closes_on),
            ),
        )
        for c in found
    ]


def space(municipality: Municipality) -> Space | None:
    if not Consultation.objects.filter(municipality=municipality).exists():
        return None
    url = reverse("consultations:municipality", kwargs={"code": municipality.code})
    openings = _openings(list(selectors.open_now(municipality=municipality)))
    return Space(50, _("Consultations"), url, tuple(opening for _m, opening in openings))


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return _openings(list(selectors.open_now()))
