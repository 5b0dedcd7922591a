"""Open data of community score cards: aggregates only (never a participant, a contact or a name).

Per cycle, one CSV: each input indicator, each indicator's score by each focus group (its kind, size and date),
by the provider and online (mean and count), and the action plan with its status.
"""

import io
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from etl.open_data import Listing
from gisportal import spreadsheets
from gisportal.community_scorecards import selectors
from gisportal.community_scorecards.models import Cycle
from layers.models import Municipality

COLUMNS = ("table", "item", "source", "district", "people", "date", "value", "unit", "count", "status", "due_on")


def _rows(cycle: Cycle) -> list[list[object]]:
    rows: list[list[object]] = []
    for fact in cycle.inputs.all():
        rows.append(["input", fact.name, fact.source, "", "", "", fact.value, fact.unit, "", "", ""])
    for row in selectors.score_card(cycle):
        name = row.indicator.name
        for group, score in row.by_group:
            district = group.district.name if group.district else ""
            rows.append(
                ["score", name, f"group:{group.kind}", district, group.size, group.met_on, score, "1-5", 1, "", ""]
            )
        if row.self_score is not None:
            rows.append(["score", name, "self-evaluation", "", "", "", row.self_score, "1-5", 1, "", ""])
        if row.online_count:
            rows.append(
                ["score", name, "online", "", "", "", f"{row.online_mean:.2f}", "1-5", row.online_count, "", ""]
            )
    for action, status in selectors.action_plan(cycle):
        rows.append(["action", action.what, action.who, "", "", action.agreed_on, "", "", "", status, action.due_on])
    return rows


@require_GET
def cycle_csv(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    from gisportal.community_scorecards.views import cycle_or_404

    cycle = cycle_or_404(code, pk)
    out = io.StringIO()
    out.write("\ufeff")  # a spreadsheet then reads the Arabic as UTF-8
    writer = spreadsheets.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_rows(cycle))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="score-card-{code}-{pk}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def cycle_json(request: HttpRequest, code: str, pk: int) -> JsonResponse:
    """The same rows as the CSV, as JSON objects (numbers as numbers, dates in ISO)."""
    from gisportal.community_scorecards.views import cycle_or_404

    cycle = cycle_or_404(code, pk)
    rows = [{column: _json_value(value) for column, value in zip(COLUMNS, row, strict=True)} for row in _rows(cycle)]
    response = JsonResponse({"cycle": cycle.pk, "municipality": code, "title": cycle.title, "rows": rows})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_value(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return float(value)  # the online means, written with two decimals
    return value


def listings(municipality: Municipality | None) -> list[Listing]:
    cycles = Cycle.objects.select_related("municipality").order_by("municipality__name_fr", "-created_at")
    if municipality is not None:
        cycles = cycles.filter(municipality=municipality)
    return [
        Listing(
            _("Community score card: %(cycle)s (%(municipality)s)")
            % {"cycle": cycle, "municipality": cycle.municipality.name_fr},
            tuple(
                (
                    fmt,
                    reverse(
                        f"community_scorecards:cycle_{fmt}", kwargs={"code": cycle.municipality.code, "pk": cycle.pk}
                    ),
                )
                for fmt in ("csv", "json")
            ),
        )
        for cycle in cycles
    ]
