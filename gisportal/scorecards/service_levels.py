"""The service scorecard's page: which part of the municipality a citizen asked for (?district= or ?category=), its
months with the gaps shown, its trend as a picture, the districts and categories side by side, each measure written in
the page's language. The figures themselves all come from selectors.service."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from gisportal.finances import charts as finance_charts
from gisportal.finances import figures
from gisportal.scorecards.charts import GOVERNORATE
from gisportal.scorecards.selectors import ServiceLevel
from layers.models import Complaint

# The measures of selectors.ServiceLevel as the JSON file defines them (the page's #method says it in three languages).
DEFINITIONS = {
    "reports": "reports received in the month (Tunis time), duplicates left out; hidden reports left out",
    "per_1000": "reports per 1,000 inhabitants of the municipality (of the district on a district's row)",
    "due": "reports not rejected whose charter target is over, or already resolved",
    "in_target_share": "percent of `due` resolved (status resolved now, the latest resolution) within the target days "
    "of the category in the municipality's catalogue, else the national one",
    "acknowledge_days": "median days from the report to the municipality's first answer (any status but submitted "
    "or reopened)",
    "resolve_days": "median days from the report to its latest resolution, among reports resolved now",
    "reopen_rate": "percent of the reports ever closed (resolved or closed without a fix) that were reopened",
    "without_fix_share": "percent of the reports closed now that were closed without a fix",
    "satisfied_share": "percent of the reporters' satisfaction answers that said satisfied",
}


class BadQuery(ValueError):
    """A query parameter the page does not offer: a 400 with its reason, in the page's language."""


@dataclass(frozen=True)
class Chosen:
    district: int | None = None
    outside: bool = False  # the reports outside every district
    category: str | None = None


def chosen(query: Mapping[str, str]) -> Chosen:
    district, category = query.get("district", ""), query.get("category", "")
    if district and category:
        raise BadQuery(_("Choose a district or a category, not both."))
    if district == "none":
        return Chosen(outside=True)
    if district:
        if not district.isdigit():
            raise BadQuery(_("A district is chosen by its number in the list."))
        return Chosen(district=int(district))
    if category:
        if category not in Complaint.Category.values:
            raise BadQuery(_("There is no category called “%(name)s”.") % {"name": category[:40]})
        return Chosen(category=category)
    return Chosen()


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _short_month(month: datetime.date) -> str:
    """The month's number on the trend's axis (the table beside names them), in the page's digits."""
    return str(month.month).translate(figures.EASTERN if figures.style().eastern else {})


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def _district_name(level: ServiceLevel, arabic: bool) -> str:
    if level.district_id is None:
        return _("Outside every district")
    return (level.district_name_ar if arabic and level.district_name_ar else level.district_name) or str(
        level.district_id
    )


CATEGORY_LABELS = dict(Complaint.Category.choices)


@dataclass(frozen=True)
class Shown:
    """A scorecard row with its measures written in the page's language."""

    level: ServiceLevel
    label: str
    in_target: str
    acknowledge: str
    resolve: str
    reopen: str
    without_fix: str
    satisfied: str
    per_1000: str
    href: str = ""


def _days(value: float | None) -> str:
    return (
        figures.DASH if value is None else (_("%(days)s d") % {"days": figures.number(value, 1)}).replace(" ", "\u00a0")
    )


def show(level: ServiceLevel, label: str, href: str = "") -> Shown:
    def share(value: float | None, of: int) -> str:
        return figures.DASH if value is None else f"{figures.percent(value, 0)} ({figures.number(of)})"

    return Shown(
        level,
        label,
        share(level.in_target_share, level.due),
        _days(level.acknowledge_days),
        _days(level.resolve_days),
        share(level.reopen_rate, level.closed),
        share(level.without_fix_share, level.ended),
        share(level.satisfied_share, level.answers),
        figures.DASH if level.per_1000 is None else figures.number(level.per_1000, 2),
        href,
    )


def page(levels: list[ServiceLevel], chosen: Chosen, *, name: str, rtl: bool, arabic: bool) -> dict[str, Any]:
    """The service page's context; `unknown` holds the message when the district or category asked for has no
    reports."""
    whole = next((lv for lv in levels if lv.breakdown == "all"), None)
    if whole is None:
        return {"whole": None}
    districts = [lv for lv in levels if lv.breakdown == "district"]
    categories = [lv for lv in levels if lv.breakdown == "category"]
    if chosen.district is not None or chosen.outside:
        breakdown, subject = "month_district", next((d for d in districts if d.district_id == chosen.district), None)
        months = [lv for lv in levels if lv.breakdown == breakdown and lv.district_id == chosen.district]
        subject_label = _district_name(subject, arabic) if subject else ""
    elif chosen.category:
        breakdown, subject = "month_category", next((c for c in categories if c.category == chosen.category), None)
        months = [lv for lv in levels if lv.breakdown == breakdown and lv.category == chosen.category]
        subject_label = str(CATEGORY_LABELS[chosen.category])
    else:
        subject, months, subject_label = whole, [lv for lv in levels if lv.breakdown == "month"], name
    if subject is None:
        return {"whole": whole, "unknown": _("No report of %(name)s is in this district or category.") % {"name": name}}
    found = {lv.month: lv for lv in months if lv.month is not None}
    calendar = _months_between(min(found), max(found))
    series_months = [found.get(m) for m in calendar]
    trend = finance_charts.columns(
        list(range(len(calendar))),
        [
            finance_charts.Series(
                _("Resolved within the charter's target"),
                "#0b5a6b",
                [lv.in_target_share if lv else None for lv in series_months],
            ),
            finance_charts.Series(
                _("Satisfied"), GOVERNORATE, [lv.satisfied_share if lv else None for lv in series_months]
            ),
        ],
        rtl=rtl,
        title=_("Month by month, in percent: %(subject)s") % {"subject": subject_label},
        number=lambda v: figures.number(v, 0),
        year_text=lambda i: _short_month(calendar[i]),
        top=100,
    )
    measured = any(lv and (lv.in_target_share is not None or lv.satisfied_share is not None) for lv in series_months)
    return {
        "whole": whole,
        "summary": show(subject, subject_label),
        "subject": subject_label,
        "chosen": chosen,
        "months": [
            (month_label(m), show(lv, month_label(m)) if lv else None)
            for m, lv in zip(calendar, series_months, strict=True)
        ],
        "trend": trend if measured else "",
        "districts": [
            show(d, _district_name(d, arabic), f"?district={d.district_id if d.district_id is not None else 'none'}")
            for d in districts
        ],
        "categories": [
            (show(c, str(CATEGORY_LABELS.get(c.category or "", c.category)), f"?category={c.category}"), c.target_days)
            for c in categories
        ],
        "first_month": month_label(calendar[0]),
        "last_month": month_label(calendar[-1]),
    }
