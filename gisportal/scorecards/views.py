"""Citizen pages of the scorecards: a municipality's national evaluation against its governorate and the country, and
its service scorecard from the reports made through the portal; the same figures as JSON and CSV. Public: the scores
are the State's published evaluation, the service figures aggregates of reports (never a report, a name or a contact).
"""

import json
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from gisportal.finances import charts as finance_charts
from gisportal.finances import figures

# One municipality looked up, one CSV writer and one name chooser for the budget and scorecard pages alike.
from gisportal.finances.views import _csv as csv_response
from gisportal.finances.views import _municipality as municipality_or_404
from gisportal.finances.views import _name as in_language
from gisportal.scorecards import charts, selectors, service_levels
from layers.models import Municipality


def _bad(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "scorecards/problem.html", {"message": message}, status=status)


def _score(value: float | None) -> str:
    return figures.number(value, 0 if value is None or value % 1 == 0 else 1)


def _year_text(year: int) -> str:
    return figures.number(year, 0).replace("\u202f", "").replace(",", "").replace("\u066c", "")


def _year(request: HttpRequest, years: list[int]) -> int | None:
    text = request.GET.get("year", "")
    if not text:
        return years[-1] if years else None
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(_("The year must be written with four digits, e.g. 2018."))
    return int(text)


@require_GET
@gzip_page
def performance(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_or_404(code)
    scores = selectors.performance(municipality.pk)
    years = sorted({s.year for s in scores})
    evaluated = sorted({s.year for s in scores if s.score is not None})
    try:
        year = _year(request, evaluated or years)
    except ValueError as error:
        return _bad(request, str(error))
    rtl = request.LANGUAGE_CODE == "ar"
    name = in_language(request, municipality.name_fr, municipality.name_ar)
    context: dict[str, Any] = {
        "municipality": municipality,
        "name": name,
        "governorate": in_language(request, municipality.governorate.name_fr, municipality.governorate.name_ar),
        "years": years,
        "evaluated": evaluated,
        "year": year,
        # The service scorecard's whole period, at the top: what the citizen charter's promise gives so far.
        "service": next(
            (service_levels.show(lv, name) for lv in selectors.service(municipality.pk) if lv.breakdown == "all"), None
        ),
    }
    if year is not None and year not in years:
        context["missing_year"] = year
        return render(request, "scorecards/performance.html", context, status=404)
    if year is None:
        return render(request, "scorecards/performance.html", context)
    of_year = [s for s in scores if s.year == year]
    rows = [_row(request, s) for s in of_year]
    # Each criterion's score in every year loaded, for the table of every criterion.
    by_year = {(s.code, s.year): s for s in scores}
    for r in rows:
        r["years"] = [
            figures.fraction(found.score, found.max_score)
            if (found := by_year.get((r["score"].code, y)))
            else figures.DASH
            for y in years
        ]
    totals = [s for s in scores if s.level == "total"]
    main = [r for r in rows if r["score"].level in ("domain", "subdomain")]
    context.update(
        total=rows[0] if rows and rows[0]["score"].level == "total" else None,
        rows=rows,
        main=main,
        chart=charts.against_medians(
            [
                charts.Against(
                    r["name"],
                    None if r["score"].score is None else r["score"].score / r["score"].max_score,
                    None
                    if r["score"].governorate_median is None
                    else r["score"].governorate_median / r["score"].max_score,
                    r["score"].national_median / r["score"].max_score,
                    r["out_of"],
                )
                for r in main
            ],
            rtl=rtl,
            title=_("Scores by domain against the medians, %(year)s") % {"year": year},
        ),
        totals=[(t, _score(t.governorate_median), _score(t.national_median)) for t in totals],
        series_chart=finance_charts.columns(
            [t.year for t in totals],
            [
                finance_charts.Series(name, "#0b5a6b", [t.score for t in totals]),
                finance_charts.Series(
                    _("Governorate median"), charts.GOVERNORATE, [t.governorate_median for t in totals]
                ),
                finance_charts.Series(_("National median"), "#9aa7b0", [t.national_median for t in totals]),
            ],
            rtl=rtl,
            title=_("Total score out of 100, year by year"),
            number=lambda v: figures.number(v, 0),
            year_text=_year_text,
        ),
        map_url=reverse("finances:national") + f"?measure=performance_score&year={year}",
    )
    return render(request, "scorecards/performance.html", context)


def _row(request: HttpRequest, s: selectors.Score) -> dict[str, Any]:
    name = in_language(request, s.name_fr, s.name_ar) if s.level != "total" else _("Total")
    return {
        "score": s,
        "name": name,
        # The criteria are published in French and Arabic only: on an English page they read in French.
        "lang": "fr" if request.LANGUAGE_CODE == "en" and s.level != "total" else "",
        "out_of": figures.fraction(s.score, s.max_score),
        "governorate": _score(s.governorate_median),
        "national": _score(s.national_median),
    }


PERFORMANCE_COLUMNS = (
    "year", "code", "level", "domain", "subdomain", "name_fr", "name_ar", "max_score", "score",
    "governorate_median", "governorate_scored", "national_median", "national_scored", "national_rank",
    "governorate_rank",
)  # fmt: skip


def _json(body: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _about(municipality: Municipality) -> dict[str, Any]:
    return {"code": municipality.code, "name_fr": municipality.name_fr, "name_ar": municipality.name_ar,
            "governorate_code": municipality.governorate.code, "population": municipality.population}  # fmt: skip


@require_GET
def performance_json(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_or_404(code)
    rows = [{c: getattr(s, c) for c in PERFORMANCE_COLUMNS} for s in selectors.performance(municipality.pk)]
    return _json({"municipality": _about(municipality), "unit": "points", "scores": rows})


@require_GET
def performance_csv(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_or_404(code)
    rows = [
        ["" if v is None else v for v in (getattr(s, c) for c in PERFORMANCE_COLUMNS)]
        for s in selectors.performance(municipality.pk)
    ]
    return csv_response(rows, PERFORMANCE_COLUMNS, f"performance-{code}.csv")


@require_GET
@gzip_page
def service(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_or_404(code)
    try:
        chosen = service_levels.chosen(request.GET)
    except service_levels.BadQuery as error:
        return _bad(request, str(error))
    rtl = request.LANGUAGE_CODE == "ar"
    levels = selectors.service(municipality.pk)
    name = in_language(request, municipality.name_fr, municipality.name_ar)
    context = service_levels.page(levels, chosen, name=name, rtl=rtl, arabic=request.LANGUAGE_CODE == "ar")
    if context.get("unknown"):
        return _bad(request, context["unknown"], status=404)
    context.update(
        municipality=municipality,
        name=name,
        governorate=in_language(request, municipality.governorate.name_fr, municipality.governorate.name_ar),
    )
    return render(request, "scorecards/service.html", context)


SERVICE_COLUMNS = tuple(f for f in selectors.ServiceLevel.__dataclass_fields__)


def _service_rows(code: str | None) -> list[selectors.ServiceLevel]:
    if code is None:
        return selectors.service()
    return selectors.service(municipality_or_404(code).pk)


@require_GET
def service_json(request: HttpRequest, code: str | None = None) -> HttpResponse:
    rows = _service_rows(code)
    return _json({"definitions": service_levels.DEFINITIONS, "rows": [asdict(r) for r in rows]})


@require_GET
def service_csv(request: HttpRequest, code: str | None = None) -> HttpResponse:
    rows = [["" if v is None else v for v in asdict(r).values()] for r in _service_rows(code)]
    return csv_response(rows, SERVICE_COLUMNS, f"service-scorecard-{code or 'tunisia'}.csv")


def index(request: HttpRequest) -> HttpResponse:
    """Every municipality's performance score is on the national map of the budget pages."""
    return HttpResponseRedirect(reverse("finances:national") + "?measure=performance_score")
