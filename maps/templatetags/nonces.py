"""The response's CSP nonce on a Folium map's own <script> tags, so that they run and nothing injected does."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)")


@register.filter
def nonced(html: str, nonce: str) -> SafeString:
    """`{{ map.header|nonced:request.csp_nonce }}`: the portal's own rendered map markup, its scripts allowed."""
    return mark_safe(SCRIPT_TAG.sub(f'<script nonce="{escape(nonce)}"', html))  # noqa: S308 (our own Folium output)
