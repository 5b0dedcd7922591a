"""The budget measures on the open data page, from the same selectors as the pages: each measure for every
municipality with its rank, in its latest year (the endpoints' default). No query here: the page keeps its count.
A budget's lines with their functions are linked from its own page (/finances/<code>/lines.csv); the raw lines are
the page's budget_line table."""

from django.urls import reverse
from django.utils.translation import gettext as _

from etl.open_data import Listing
from gisportal.finances import measures
from layers.models import Municipality


def listings(municipality: Municipality | None) -> list[Listing]:
    rows = []
    for measure, label in measures.choices():
        query = f"?measure={measure}"
        rows.append(
            Listing(
                _("%(measure)s, latest year, every municipality with its rank") % {"measure": label},
                (
                    ("csv", reverse("finances:measures_csv") + query),
                    ("json", reverse("finances:measures_json") + query),
                ),
            )
        )
    return rows
