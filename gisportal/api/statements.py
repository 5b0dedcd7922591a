"""An API page's SQL compiled once per shape of request, then filled with each request's values.

Django builds a page's statement from querysets in about a millisecond of Python, as much as the rest of the
request. The text depends only on the request's shape (collection, the caller's scope, which filters, the order,
whether it counts); the values only fill its parameters. So a shape is compiled once more with stand-in values
(sentinels) to learn where each value goes in the parameter list, and later requests of that shape put their own
values there. The shape is kept only if, filled with the first request's own values, it gives the very statement
Django compiles for them: the same text and equal parameters of the same types. Otherwise it is compiled afresh
every time, as it was.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet

Build = Callable[[Sequence[object]], tuple[str, Sequence[object]]]

# Django turns an integer beyond its field's range into an empty lookup (no parameter): compiled afresh.
SMALL_INTEGER = 2**31
MAX_SHAPES = 2048  # a bound on memory, far above the shapes a portal's clients ask for


@dataclass(frozen=True)
class Template:
    sql: str
    params: tuple[object, ...]  # Django's constants, and placeholders where a value goes
    # (index in params, index in the values, the type Django wrapped the value in, e.g. psycopg's Int4, or None)
    places: tuple[tuple[int, int, Callable[[Any], object] | None], ...]

    def fill(self, values: Sequence[object]) -> list[object]:
        params = list(self.params)
        for at, index, wrap in self.places:
            params[at] = values[index] if wrap is None else wrap(values[index])
        return params


_UNCACHEABLE = object()
_templates: dict[Hashable, object] = {}


def sentinel(value: object, index: int) -> object | None:
    """A stand-in of the value's type that no request can carry, or None for a value that cannot have one."""
    match value:
        case bool():
            return None  # a boolean changes the SQL's text (`col`, `NOT col`): it belongs in the shape
        case int() if -SMALL_INTEGER < value < SMALL_INTEGER:
            return SMALL_INTEGER - 1 - index
        case float():
            return -1.2345e-300 * (index + 1)
        case Decimal():
            return Decimal("-1.2345E-300") * (index + 1)
        case str():
            return f"\x00{index}\x00"  # NUL never reaches a view (gisportal.middleware)
        case datetime() if value.tzinfo is not None:
            return datetime(1, 1, 1, tzinfo=UTC) + timedelta(microseconds=index + 1)
        case date() if not isinstance(value, datetime):
            return date(1, 1, 1) + timedelta(days=index + 1)
        case time():
            return time(0, 0, 0, index + 1, tzinfo=value.tzinfo)
    return None


def _typed(params: Sequence[object]) -> list[tuple[type, object]]:
    return [(type(p), p) for p in params]


def _learn(
    build: Build, values: Sequence[object], stand_ins: Sequence[object], sql: str, params: Sequence[object]
) -> object:
    """The shape's template, or _UNCACHEABLE when the sentinels do not give back the statement compiled for values."""
    try:
        stand_in_sql, stand_in_params = build(stand_ins)
    except (EmptyResultSet, ValueError, TypeError):
        return _UNCACHEABLE
    where = {(type(stand_in), stand_in): index for index, stand_in in enumerate(stand_ins)}
    places = []
    for at, param in enumerate(stand_in_params):
        index, wrap = where.get((type(param), param)), None
        if index is None and isinstance(param, int) and not isinstance(param, bool):
            index, wrap = where.get((int, int(param))), type(param)  # an integer typed for its column (Int4…)
        if index is not None:
            places.append((at, index, wrap))
    template = Template(stand_in_sql, tuple(stand_in_params), tuple(places))
    if stand_in_sql != sql or _typed(template.fill(values)) != _typed(params):
        return _UNCACHEABLE
    return template


def statement(shape: Hashable, values: Sequence[object], build: Build) -> tuple[str, list[object]]:
    """What `build(values)` returns (SQL and parameters), compiled only at a shape's first request.

    `build` must make the same SQL for all values of the shape's types, the values only filling parameters; it may
    raise (EmptyResultSet…), and nothing is kept then. Values without a stand-in (an integer out of range…) are
    compiled afresh.
    """
    stand_ins = [sentinel(value, index) for index, value in enumerate(values)]
    if any(stand_in is None for stand_in in stand_ins):
        sql, params = build(values)
        return sql, list(params)
    key = (shape, tuple(type(value) for value in values))
    template = _templates.get(key)
    if isinstance(template, Template):
        return template.sql, template.fill(values)
    sql, params = build(values)
    if template is None:
        if len(_templates) >= MAX_SHAPES:
            _templates.clear()
        _templates[key] = _learn(build, values, stand_ins, sql, params)
    return sql, list(params)


def learnt() -> int:
    """How many shapes have a template."""
    return sum(isinstance(template, Template) for template in _templates.values())


def forget() -> None:
    """Drops every compiled shape (tests that change what a shape compiles to)."""
    _templates.clear()
