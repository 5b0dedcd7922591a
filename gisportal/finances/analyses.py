"""Budgets under the analyst API (/api/analyses/…, and `gisportal analyse`): the same selectors as the pages and
their JSON/CSV, so that a figure is computed in one place whichever door it leaves by."""

from dataclasses import astuple, fields

from gisportal.accounts import roles
from gisportal.api.analyses import Analysis, BadAnalysisParameter, Parameter, Result
from gisportal.finances import selectors
from gisportal.scorecards.analyses import MUNICIPALITY, readable_municipality

MEASURE = Parameter("measure", str, "budget_per_inhabitant", "the measure", choices=tuple(selectors.MEASURES))
YEAR = Parameter("year", int, 2018, "the budget's year", minimum=1990, maximum=2100)


def budget_measures(*, user: roles.User | None, measure: str, year: int) -> Result:
    """Every municipality's value of a measure in a year, with its national and governorate ranks (public
    figures: synthetic demo budgets are in none)."""
    return Result(
        [f.name for f in fields(selectors.Standing)], [astuple(s) for s in selectors.standings(measure, year)]
    )


def budget_lines(*, user: roles.User | None, municipality: str, year: int) -> Result:
    """One municipality's budget of a year by kind, title, part, article and line, budgeted against executed."""
    found = readable_municipality(user, municipality)
    if found is None:
        raise BadAnalysisParameter("municipality: give a municipality's code, e.g. 2412.")
    rows = selectors.budget_rows(found.pk, year)
    return Result([f.name for f in fields(selectors.BudgetRow)], [astuple(r) for r in rows])


ANALYSES = (
    Analysis("budget-measures", "A budget measure for every municipality, ranked", budget_measures, (MEASURE, YEAR)),
    Analysis(
        "budget-lines",
        "A municipality's budget line by line, budgeted and executed",
        budget_lines,
        (MUNICIPALITY, YEAR),
    ),
)
