"""A place's name in the page's language: its Arabic name on Arabic pages when it has one, else its French name."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_name(place: object) -> str:
    """A governorate, municipality, district or gazetteer place, named for the reader (`{{ district|local_name }}`)."""
    if place is None or place == "":
        return ""
    arabic = getattr(place, "name_ar", "") if get_language() == "ar" else ""
    return str(arabic or getattr(place, "name_fr", "") or getattr(place, "name", "") or place)
