"""Citizen pages of municipal budgets: one municipality's budget, every municipality on the national map, and the
same figures as JSON and CSV. Public: the figures are the municipalities' published budgets and evaluations."""

import io
import json
from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from gisportal import spreadsheets
from gisportal.finances import charts, figures, measures, selectors
from gisportal.finances.models import Function
from gisportal.finances.nomenclature import ARTICLES, PARTS, TITLES
from layers.models import Municipality

BadQuery = measures.BadQuery


def _bad(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "finances/problem.html", {"message": message}, status=status)


def _municipality(code: str) -> Municipality:
    found = Municipality.objects.select_related("governorate", "synthetic_budget__made_from").filter(code=code).first()
    if found is None:
        raise Http404(_("No municipality has the code %(code)s.") % {"code": code})
    return found


def _year(request: HttpRequest, loaded: list[int]) -> int | None:
    """The year asked for (?year=), or the latest loaded; BadQuery for anything but a year."""
    text = request.GET.get("year", "")
    if not text:
        return loaded[-1] if loaded else None
    if not (text.isdigit() and len(text) == 4):
        raise BadQuery(_("The year must be written with four digits, e.g. 2018."))
    return int(text)


def _name(request: HttpRequest, fr: str, ar: str) -> str:
    return ar if request.LANGUAGE_CODE == "ar" and ar else fr


def _sections(rows: list[selectors.BudgetRow]) -> list[dict[str, Any]]:
    """Revenues and expenses, each with its total and rows labelled in the page's language."""
    sections: list[dict[str, Any]] = []
    for row in rows:
        if row.level == "kind":
            sections.append({"kind": row.kind, "total": row, "rows": [], "lines": []})
            continue
        label = ""
        if row.level == "title":
            label = str(TITLES.get(row.title or "", row.title))
        elif row.level == "part":
            label = str(PARTS.get((row.kind, row.part or 0), row.part))
        elif row.level == "article":
            label = str(ARTICLES.get((row.kind, row.article or ""), ""))
        entry = {"row": row, "label": label}
        (sections[-1]["lines"] if row.level == "line" else sections[-1]["rows"]).append(entry)
    for section in sections:
        # An article without a name of its own reads as its only line's label, else by its code.
        for entry in section["rows"]:
            row = entry["row"]
            if row.level == "article" and not entry["label"]:
                own = [line["row"] for line in section["lines"] if line["row"].article == row.article]
                entry["label"] = own[0].label_ar if len(own) == 1 else _("Article %(code)s") % {"code": row.article}
                entry["arabic"] = len(own) == 1
    return sections


@require_GET
@gzip_page
def budget(request: HttpRequest, code: str) -> HttpResponse:
    municipality = _municipality(code)
    facts = selectors.facts(municipality.pk)
    budget_years = [f.year for f in facts if f.revenue is not None or f.expense is not None]
    try:
        year = _year(request, budget_years)
    except BadQuery as error:
        return _bad(request, str(error))
    rtl = request.LANGUAGE_CODE == "ar"
    name = _name(request, municipality.name_fr, municipality.name_ar)
    context: dict[str, Any] = {
        "municipality": municipality,
        "name": name,
        "governorate": _name(request, municipality.governorate.name_fr, municipality.governorate.name_ar),
        "years": budget_years,
        "year": year,
        "scores": [f for f in facts if f.score is not None],
        "standings": measures.of_municipality(municipality.code, year or (facts[-1].year if facts else None)),
        "synthetic": getattr(municipality, "synthetic_budget", None),
    }
    if year is None:  # nothing loaded: the page says so, with the national evaluation when there is one
        return render(request, "finances/budget.html", context)
    if year not in budget_years:
        context["missing_year"] = year
        return render(request, "finances/budget.html", context, status=404)
    fact = next(f for f in facts if f.year == year)
    previous = next((f for f in facts if f.year == year - 1), None)
    shares = selectors.by_function(municipality.pk, year)
    total, functions = shares[-1], shares[:-1]
    labels = dict(Function.choices)
    context.update(
        fact=fact,
        previous=previous,
        sections=_sections(selectors.budget_rows(municipality.pk, year)),
        functions=[(labels.get(f.function or "", f.function), f) for f in functions],
        function_total=total,
        dinar_chart=charts.bars(
            [
                charts.Bar(str(labels.get(f.function or "", f.function)), f.per_dinar, figures.millimes(f.per_dinar))
                for f in functions
                if f.per_dinar
            ],
            rtl=rtl,
            title=_("Where 1 dinar of the budget goes, %(year)s") % {"year": year},
        ),
        series_chart=_series_chart(facts, rtl),
        series=facts,
        per_inhabitant=measures.per_inhabitant(fact, municipality.population),
        population=municipality.population,
    )
    return render(request, "finances/budget.html", context)


def _series_chart(facts: list[selectors.Fact], rtl: bool) -> str:
    years = [f.year for f in facts if f.revenue is not None or f.expense is not None]
    kept = [f for f in facts if f.year in years]

    def thousands(value: float | None) -> float | None:
        return None if value is None else value / 1_000_000_000  # millimes to millions of dinars

    series = [
        charts.Series(_("Revenue budgeted"), "#7fb3c8", [thousands(f.revenue) for f in kept]),
        charts.Series(_("Expenses budgeted"), "#0b5a6b", [thousands(f.expense) for f in kept]),
    ]
    if any(f.expense_executed is not None for f in kept):
        series.append(charts.Series(_("Expenses executed"), "#e08a1e", [thousands(f.expense_executed) for f in kept]))
    return charts.columns(
        years,
        series,
        rtl=rtl,
        title=_("Budget by year, in millions of dinars"),
        number=lambda v: figures.number(v, 1),
        year_text=lambda y: figures.number(y, 0).replace("\u202f", "").replace(",", "").replace("٬", ""),
    )


@require_GET
@gzip_page
def national(request: HttpRequest) -> HttpResponse:
    try:
        measure, year = measures.chosen(request.GET)
    except BadQuery as error:
        return _bad(request, str(error))
    rtl = request.LANGUAGE_CODE == "ar"
    context: dict[str, Any] = {
        "measures": measures.choices(),
        "measure": measure,
        "measure_label": measures.LABELS[measure],
        "about": measures.ABOUT[measure],
        "years": selectors.measure_years(measure),
        "year": year,
        "rtl": rtl,
    }
    if year is None or year not in context["years"]:
        context["missing_year"] = year
        return render(request, "finances/national.html", context, status=404 if year else 200)
    standings = selectors.standings(measure, year)
    bounds = charts.breaks([s.value for s in standings if s.value is not None])
    frame = selectors.national_map()
    areas = []
    for s in standings:
        shown = _name(request, s.name_fr, s.name_ar)
        value = measures.show(measure, s.value, s.month)
        areas.append(
            charts.Area(
                s.code,
                frame.shapes.get(s.code, ""),
                charts.class_of(s.value, bounds),
                f"{shown}: {value if s.value is not None else _('no data')}",
                reverse("finances:budget", kwargs={"code": s.code}),
            )
        )
    lower = [None, *bounds[:-1]]
    context.update(
        map=charts.choropleth(areas, width=frame.width, height=frame.height, title=str(measures.LABELS[measure])),
        legend=[
            (charts.CLASSES[i], None if low is None else measures.bound(measure, low), measures.bound(measure, high))
            for i, (low, high) in enumerate(zip(lower, bounds, strict=True))
        ],
        ranked=[
            (
                s,
                _name(request, s.name_fr, s.name_ar),
                _name(request, s.governorate_fr, s.governorate_ar),
                measures.show(measure, s.value, s.month),
            )
            for s in standings
            if s.value is not None
        ],
        without=[_name(request, s.name_fr, s.name_ar) for s in standings if s.value is None],
        query=f"measure={measure}&year={year}",
    )
    return render(request, "finances/national.html", context)


def _standings_or_error(request: HttpRequest) -> tuple[str, int, list[selectors.Standing]] | HttpResponse:
    try:
        measure, year = measures.chosen(request.GET)
    except BadQuery as error:
        return HttpResponse(json.dumps({"error": str(error)}), status=400, content_type="application/json")
    if year is None:
        body = json.dumps({"error": _("No municipality has data on this measure yet.")})
        return HttpResponse(body, status=404, content_type="application/json")
    return measure, year, selectors.standings(measure, year)


@require_GET
def measures_json(request: HttpRequest) -> HttpResponse:
    found = _standings_or_error(request)
    if isinstance(found, HttpResponse):
        return found
    measure, year, standings = found
    body = {
        "measure": measure,
        "year": year,
        "unit": measures.UNITS[measure],
        "municipalities": [asdict(s) for s in standings],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


STANDING_COLUMNS = (
    "code", "name_fr", "name_ar", "governorate_code", "governorate_fr", "governorate_ar", "population",
    "value", "month", "rank", "ranked", "governorate_rank", "governorate_ranked",
)  # fmt: skip


def _csv(rows: list[list[Any]], header: tuple[str, ...], name: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # a spreadsheet then reads the Arabic as UTF-8
    writer = spreadsheets.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def measures_csv(request: HttpRequest) -> HttpResponse:
    found = _standings_or_error(request)
    if isinstance(found, HttpResponse):
        return found
    measure, year, standings = found
    rows = [["" if v is None else v for v in (getattr(s, c) for c in STANDING_COLUMNS)] for s in standings]
    return _csv(rows, STANDING_COLUMNS, f"{measure}-{year}.csv")


LINE_COLUMNS = (
    "year", "kind", "title", "part", "article", "paragraph", "sub_paragraph", "label_ar", "budgeted",
    "budgeted_year_before", "executed", "function", "function_from_rule", "gender_sensitive",
)  # fmt: skip


@require_GET
def lines_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every line of every year loaded (or ?year=), in millimes, with its function and gender-sensitive marker."""
    municipality = _municipality(code)
    years = [f.year for f in selectors.facts(municipality.pk) if f.revenue is not None or f.expense is not None]
    text = request.GET.get("year", "")
    if text:
        if not (text.isdigit() and int(text) in years):
            return HttpResponse(_("No budget of this municipality is loaded for that year."), status=404)
        years = [int(text)]
    if not years:
        raise Http404(_("No budget of this municipality is loaded yet."))
    rows = []
    for year in years:
        for r in selectors.budget_rows(municipality.pk, year):
            if r.level != "line":
                continue
            expense = r.kind == "expense"
            rows.append(
                [year, r.kind, r.title, r.part, r.article, r.paragraph, r.sub_paragraph, r.label_ar]
                + ["" if v is None else v for v in (r.budgeted, r.previous, r.executed, r.function)]
                + [int(r.from_rule) if expense else "", int(r.gender_sensitive) if expense else ""]
            )
    return _csv(rows, LINE_COLUMNS, f"budget-{code}.csv")
