from django import template
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from gisportal.finances import figures
from gisportal.finances.figures import DASH
from gisportal.finances.models import Function

register = template.Library()


@register.filter
def dinars(millimes: int | None, decimals: int = 0) -> str:
    return figures.dinars(millimes, decimals)


@register.filter
def number(value: float | None, decimals: int = 0) -> str:
    return figures.number(value, decimals)


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    return figures.percent(value, decimals)


@register.filter
def change(value: float | None) -> str:
    return figures.signed_percent(value)


@register.filter
def millimes(value: float | None) -> str:
    return figures.millimes(value)


@register.filter
def change_from(amount: int | None, before: int | None) -> str:
    """The percent change from `before` to `amount`."""
    if amount is None or not before:
        return DASH
    return figures.signed_percent(100.0 * (amount - before) / before)


@register.filter
def to_month_end(month: int) -> str:
    """ "to the end of February"; December's statement is the year's closing account."""
    if month == 12:
        return _("closing accounts of the year")
    return _("to the end of %(month)s") % {"month": MONTHS[month]}


@register.filter
def function_label(function: str | None) -> str:
    return str(dict(Function.choices).get(function or "", DASH))


@register.filter
def out_of(value: float | None, whole: float | None) -> str:
    return figures.fraction(value, whole)
