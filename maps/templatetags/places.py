"""The way from any page about a municipality back to its own page, where all its spaces are listed."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from layers.models import Municipality

register = template.Library()


@register.simple_tag(takes_context=True)
def municipality_link(context: template.Context) -> str:
    """A link to the municipality the page is about: the view's `municipality`, or the code in its address."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is not None and match.namespace == "maps":
        return ""  # the map pages' own navigation starts at the municipality's page
    municipality = context.get("municipality")
    if not isinstance(municipality, Municipality):
        code = match.kwargs.get("code") if match else None
        if not isinstance(code, str):
            return ""
        municipality = Municipality.objects.only("code", "name_fr", "name_ar").filter(code=code).first()
        if municipality is None:
            return ""
    name = municipality.name_ar if get_language() == "ar" else municipality.name_fr
    url = reverse("maps:municipality", args=[municipality.code])
    return format_html('<a class="place" href="{}">{}</a>', url, name)
