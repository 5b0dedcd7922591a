"""The way from any page about a municipality back to its own page, where all its spaces are listed."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from gisportal.accounts import roles
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


@register.simple_tag(takes_context=True)
def planner_municipalities(context: template.Context) -> list[Municipality]:
    """The municipalities the signed-in planner works for (none for other roles: they have the whole admin)."""
    request = context.get("request")
    ids = roles.municipality_ids(request.user) if request is not None else set()
    return list(Municipality.objects.filter(pk__in=ids).only("code", "name_fr", "name_ar").order_by("name_fr"))
