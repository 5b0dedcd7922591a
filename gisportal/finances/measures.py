"""How the measures of selectors.MEASURES are named, explained and written on the pages."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gisportal.finances import figures, selectors

DEFAULT = "performance_score"  # the measure every municipality has: the national evaluation
LABELS: dict[str, Promise] = {
    "budget_per_inhabitant": gettext_lazy("Budget per inhabitant"),
    "own_revenue_share": gettext_lazy("Own revenue share"),
    "execution_rate": gettext_lazy("Execution rate of expenses"),
    "performance_score": gettext_lazy("Performance score"),
}
UNITS = {
    "budget_per_inhabitant": "TND per inhabitant",
    "own_revenue_share": "percent",
    "execution_rate": "percent",
    "performance_score": "points out of 100",
}
ABOUT: dict[str, Promise] = {
    "budget_per_inhabitant": gettext_lazy(
        "Expenses budgeted for the year, in dinars, divided by the municipality's population."
    ),
    "own_revenue_share": gettext_lazy(
        "Share of the budgeted revenue the municipality raises itself: local taxes, fees, the public domain and "
        "its property. The rest comes from the State, funds, surpluses carried over and loans."
    ),
    "execution_rate": gettext_lazy(
        "Expenses executed, from January to the latest month loaded, against the expenses budgeted for the year."
    ),
    "performance_score": gettext_lazy(
        "Total of the national evaluation of municipal performance (governance, management, sustainability), "
        "out of 100."
    ),
}


class BadQuery(ValueError):
    """A query parameter that is not one the page offers: a 400 with its reason, in the page's language."""


class UnknownMeasure(BadQuery):
    pass


def choices() -> list[tuple[str, Promise]]:
    return list(LABELS.items())


def chosen(query: Mapping[str, str]) -> tuple[str, int | None]:
    """The measure and year asked for (?measure=&year=), by default the national evaluation's latest year."""
    measure = query.get("measure", "") or DEFAULT
    if measure not in selectors.MEASURES:
        raise UnknownMeasure(_("There is no measure called “%(name)s”.") % {"name": measure[:40]})
    text = query.get("year", "")
    if text:
        if not (text.isdigit() and len(text) == 4):
            raise BadQuery(_("The year must be written with four digits, e.g. 2018."))
        return measure, int(text)
    years = selectors.measure_years(measure)
    return measure, years[0] if years else None


def show(measure: str, value: float | None, month: int | None) -> str:
    """A value as the page writes it: "70,3 DT", "35,9 %", "97 / 100"; a rate says the month it runs to."""
    if value is None:
        return _("no data")
    if measure == "budget_per_inhabitant":
        return figures.number(value, 1) + "\u00a0" + figures.style().dinar
    if measure == "performance_score":
        return figures.fraction(value, 100)
    text = figures.percent(value)
    if month and month < 12:
        return _("%(value)s (to the end of month %(month)s)") % {"value": text, "month": figures.number(month)}
    return text


def bound(measure: str, value: float) -> str:
    """A class limit in the map's legend: the number alone, in the measure's unit."""
    if measure == "performance_score":
        return figures.number(value, 1 if value % 1 else 0)
    if measure == "budget_per_inhabitant":
        return figures.number(value, 1)
    return figures.percent(value)


@dataclass(frozen=True)
class Place:
    measure: str
    label: Promise
    value: str
    standing: selectors.Standing | None


def of_municipality(code: str, year: int | None) -> list[Place]:
    """Each measure of one municipality for a year, with its place nationally and in its governorate."""
    if year is None:
        return []
    places = []
    for measure in selectors.MEASURES:
        found = next((s for s in selectors.standings(measure, year) if s.code == code and s.value is not None), None)
        places.append(Place(measure, LABELS[measure], show(measure, found.value if found else None,
                                                           found.month if found else None), found))  # fmt: skip
    return places


@dataclass(frozen=True)
class PerInhabitant:
    """Revenue per inhabitant, in millimes (the templates write dinars); expenses per inhabitant are the measure
    `budget_per_inhabitant`, read from its standing."""

    revenue: float | None
    own_revenue: float | None


def per_inhabitant(fact: selectors.Fact, population: int | None) -> PerInhabitant | None:
    if not population:
        return None

    def each(amount: int | None) -> float | None:
        return None if amount is None else amount / population

    return PerInhabitant(each(fact.revenue), each(fact.own_revenue))
