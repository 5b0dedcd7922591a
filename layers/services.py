"""Writes. Each one is transactional; the layer history records who changed what."""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
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
) -> Complaint:
    """Record a citizen's complaint, routed to its municipality and district."""
    complaint = Complaint(
        location=location,
        category=category,
        description=description,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
    )
    place_complaint(complaint)
    complaint.full_clean()
    complaint.save()
    return complaint
