"""Writes. Each one is transactional; the layer history records who changed what."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layers import selectors
from layers.models import Complaint


def place_complaint(complaint: Complaint) -> None:
    """Route a complaint by geometry: the municipality and district its location lies in."""
    municipality = selectors.municipality_at(complaint.location)
    if municipality is None:
        outside = _("This place is outside every municipality. Move the pin onto the municipality.")
        raise ValidationError({"location": ValidationError(outside, code="outside_municipalities")})
    complaint.municipality = municipality
    complaint.district = selectors.district_at(municipality, complaint.location)


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
    target_days: Callable[[Complaint], int | None] | None = None,
) -> Complaint:
    """Record a citizen's complaint, routed to its municipality and district.

    `target_days` gives the service-level target of the routed complaint (the citizen charter of
    gisportal.complaints), from which its due date is set.
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
    if target_days is not None and (days := target_days(complaint)):
        complaint.due_at = timezone.now() + timedelta(days=days)
    complaint.full_clean()
    complaint.save()
    return complaint
