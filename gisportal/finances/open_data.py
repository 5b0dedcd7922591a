"""The budget figures on the open data page: each measure for every municipality, and each loaded budget's lines
with their function and gender-sensitive marker. The same selectors as the pages."""

from django.urls import reverse
from django.utils.translation import gettext as _

from etl.open_data import Listing
from gisportal.finances import measures, selectors
from gisportal.scorecards.models import BudgetLine
from layers.models import Municipality


def listings(municipality: Municipality | None) -> list[Listing]:
    rows = []
    for measure, label in measures.choices():
        years = selectors.measure_years(measure)
        if not years:
            continue
        query = f"?measure={measure}&year={years[0]}"
        title = _("%(measure)s, %(year)s, every municipality with its rank") % {"measure": label, "year": years[0]}
        rows.append(
            Listing(
                title,
                (
                    ("csv", reverse("finances:measures_csv") + query),
                    ("json", reverse("finances:measures_json") + query),
                ),
            )
        )
    with_budget = Municipality.objects.filter(pk__in=BudgetLine.objects.values("municipality")).order_by("name_fr")
    for m in with_budget.filter(pk=municipality.pk) if municipality else with_budget:
        rows.append(
            Listing(
                _("Budget of %(name)s: every line of every year, with its function") % {"name": m.name_fr},
                (("csv", reverse("finances:lines_csv", kwargs={"code": m.code})),),
            )
        )
    return rows
