"""A feature's history page reads in the page's language: translated headers, choices by their label, no "None"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from gisportal.complaints import services
from layers.models import Complaint


@pytest.mark.parametrize(
    ("language", "header", "old", "new"),
    [("fr", "Modifications", "Normale", "Urgente"), ("ar", "التعديلات", "عادية", "عاجلة")],
)
def test_a_complaints_history_in_french_and_arabic(client, tozeur, planner_tozeur, language, header, old, new):
    services.set_priority(tozeur.complaint, priority=Complaint.Priority.URGENT, by=planner_tozeur)
    client.force_login(planner_tozeur)
    with translation.override(language):
        url = reverse("admin:layers_complaint_history", args=[tozeur.complaint.pk])
    html = client.get(url).content.decode()
    start = html.index('<table id="change-history"')
    table = html[start : html.index("</table>", start)]
    assert f'<th scope="col">{header}</th>' in table
    assert re.search(rf"{old}\s*&nbsp;&rarr;&nbsp;&nbsp;{new}", table)  # the priority by its label, not 2 → 4
    assert "None" not in table  # no change reason was given: a dash
