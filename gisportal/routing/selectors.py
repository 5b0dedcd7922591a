"""Reads, scoped as the layers are: a planner reaches her own municipalities' runs only."""

from __future__ import annotations

from django.db.models import QuerySet

from gisportal.accounts import roles
from gisportal.routing.models import OptimisationRun
from gisportal.routing.planning import DEPOT_KINDS, DISPOSAL_KINDS
from layers import selectors
from layers.models import CollectionRoute, District, Municipality, ServicePoint


def plannable_municipality(user: roles.User, code: str) -> Municipality | None:
    """The municipality if the user may optimise its routes."""
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or not selectors.in_scope(OptimisationRun(municipality=municipality), user, for_edit=True):
        return None
    return municipality


def runs(user: roles.User) -> QuerySet[OptimisationRun]:
    return selectors.editable(OptimisationRun, user).select_related("municipality")


def depots(municipality: Municipality) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(municipality=municipality, kind__in=DEPOT_KINDS).order_by("kind", "name")


def disposal_sites(municipality: Municipality) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(municipality=municipality, kind__in=DISPOSAL_KINDS).order_by("kind", "name")


def districts(municipality: Municipality) -> QuerySet[District]:
    return District.objects.filter(municipality=municipality).order_by("name")


def collection_days(municipality: Municipality) -> list[int]:
    """The weekdays any of the municipality's routes runs today: what a plan should cover, since accepting it
    replaces them all."""
    found = CollectionRoute.objects.filter(municipality=municipality).values_list("service_days", flat=True)
    return sorted({day for days in found for day in days})
