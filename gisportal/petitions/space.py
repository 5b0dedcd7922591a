"""Petitions on the municipality's page and the national one: what a citizen can sign or co-promote today."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from gisportal.petitions import selectors
from gisportal.petitions.models import Petition, State
from gisportal.spaces import Opening, Space
from layers.models import Municipality


def _opening(petition: Petition) -> Opening:
    url = reverse("petitions:petition", kwargs={"code": petition.municipality.code, "pk": petition.pk})
    if petition.state == State.CO_PROMOTERS:
        what = _("Petition “%(title)s”: looking for co-promoters") % {"title": petition.title}
        return Opening(what, url)
    what = _("Petition “%(title)s”: %(signed)s of %(needed)s signatures") % {
        "title": petition.title,
        "signed": petition.signed,  # type: ignore[attr-defined]
        "needed": petition.signatures_needed,
    }
    return Opening(what, url, formats.date_format(petition.closes_on) if petition.closes_on else "")


def space(municipality: Municipality) -> Space | None:
    url = reverse("petitions:municipality", kwargs={"code": municipality.code})
    return Space(40, _("Petitions"), url, tuple(_opening(p) for p in selectors.open_now(municipality)))


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return [(p.municipality, _opening(p)) for p in selectors.open_now()]
