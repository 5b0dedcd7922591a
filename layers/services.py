"""Writes. Each one is transactional; the layer history records who changed what."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layers import rules, selectors
from layers.models import Complaint


def place_complaint(complaint: Complaint) -> None:
    """Route a complaint by geometry: the municipality and district its location lies in."""
    if complaint.location is not None and (problem := rules.geometry_problem(complaint.location)) is not None:
        raise ValidationError({"location": problem})  # before any query: PostGIS refuses to route it
    municipality = selectors.municipality_at(complaint.location)
    if municipality is None:
        outside = _("This place is outside every municipality. Move the pin onto the municipality.")
        raise ValidationError({"location": ValidationError(outside, code="outside_municipalities")})
    complaint.municipality = municipality
    complaint.district = selectors.district_at(municipality, complaint.location)
    complaint.service_point = selectors.nearest_asset(municipality, complaint.location, complaint.category)


@transaction.atomic
def report_complaint(
    *,
    location: Point,
    category: str,
    description: str,
    reporter_name: str = "",
    reporter_contact: str = "",
    answers: dict[str, Any] | None = None,
    source: str = "",
    apply_charter: Callable[[Complaint], int | None] | None = None,
) -> Complaint:
    """Record a citizen's complaint, routed to its municipality and district.

    `apply_charter` sees the routed complaint before it is saved (gisportal.complaints checks it against
    the municipality's service catalogue there, raising ValidationError) and returns the service-level
    target in days, from which the due date is set.
    """
    complaint = Complaint(
        location=location,
        category=category,
        description=description,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        answers=answers or {},
        source=source,
    )
    place_complaint(complaint)
    if apply_charter is not None and (days := apply_charter(complaint)):
        complaint.due_at = timezone.now() + timedelta(days=days)
    # Routing just read the municipality and district from the database, and the random tracking code
    # (31^10 values) has a unique index behind it: three checking queries saved on every report.
    complaint.full_clean(exclude=["municipality", "district"], validate_unique=False)
    complaint.save()
    return complaint
