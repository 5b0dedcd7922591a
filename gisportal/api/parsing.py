"""What clients send, read in one place for REST, OGC, tiles, analyses and Open311.

Numbers, instants, JSON bodies and GeoJSON geometries: a malformed or out-of-range value becomes a clear
error (`BadParameter`, or a `ValidationError` for bodies) before it reaches Python arithmetic or SQL.
"""

import json
import math
import re
from datetime import UTC, date, datetime
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from layers.models import SRID

BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint: the largest id and the largest whole number in a body
# The instants a municipality's records can hold: far enough from year 1 and 9999 that a day or a
# 90-day window added or taken away never overflows Python's datetime.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,50}")  # ASCII digits only: str.isdigit() also takes '²'
DECIMAL_NUMBER = re.compile(r"[+-]?([0-9]{1,50}(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")


class BadParameter(ValueError):
    """A query parameter the server cannot honour; its message goes back to the caller."""


def whole_number(raw: str, name: str, *, minimum: int, maximum: int | None = BIGINT_MAX) -> int:
    """ASCII digits within [minimum, maximum]; no maximum for a value the caller clamps."""
    value = int(raw) if WHOLE_NUMBER.fullmatch(raw) else None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        expected = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise BadParameter(f"{name} must be a whole number {expected}, not {raw[:40]!r}.")
    return value


def decimal_number(raw: str, name: str, *, minimum: float, maximum: float, unit: str = "") -> float:
    value = float(raw) if DECIMAL_NUMBER.fullmatch(raw) else math.nan
    if not (math.isfinite(value) and minimum <= value <= maximum):  # 1e400 reads as infinity
        raise BadParameter(f"{name} must be a number from {minimum:g} to {maximum:g}{unit}, not {raw[:40]!r}.")
    return value


def bounded_instant(moment: datetime, name: str) -> datetime:
    """An aware instant in UTC, refused outside EARLIEST..LATEST (so that no date arithmetic overflows)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is in year 10000
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise BadParameter(f"{name} must lie between the years {EARLIEST.year} and {LATEST.year}.")
    return utc


def bounded_date(day: date, name: str) -> date:
    if not EARLIEST.date() <= day <= LATEST.date():
        raise BadParameter(f"{name} must lie between the years {EARLIEST.year} and {LATEST.year}.")
    return day


class _Refused(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is too large")
    return value


def _bigint(text: str) -> int:
    value = int(text) if len(text) <= 20 else None  # int() of thousands of digits is slow, then refused
    if value is None or abs(value) > BIGINT_MAX:
        raise _Refused(f"the whole number {text[:40]} is beyond 64 bits")
    return value


def _no_constant(text: str) -> None:
    raise _Refused(f"{text} is not a JSON number")


def _refuse_nul(document: Any) -> None:
    """PostgreSQL text cannot hold NUL: refused in any string, key or value (iteratively: no recursion limit)."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise _Refused("a string holds a NUL character (\\u0000)")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def json_body(raw: bytes) -> Any:
    """A request body as strict JSON: finite numbers, 64-bit whole numbers, no NUL, a nesting Python can read."""
    try:
        document = json.loads(raw, parse_float=_finite, parse_int=_bigint, parse_constant=_no_constant)
        _refuse_nul(document)
    except RecursionError:
        raise ValidationError({"body": "The JSON is nested too deeply."}) from None
    except _Refused as refused:
        raise ValidationError({"body": f"The body is refused: {refused}."}) from None
    except (ValueError, UnicodeDecodeError) as bad:
        raise ValidationError({"body": f"The body is not JSON: {bad}."}) from None
    return document


def geometry(value: Any) -> GEOSGeometry:
    """A GeoJSON geometry read with shapely, never GDAL: a "crs" member is ignored, coordinates are CRS84."""
    try:
        shape = shapely.geometry.shape(value)
    except RecursionError:  # coordinates nested hundreds deep: JSON reads them, numpy does not
        raise ValidationError({"geometry": "Not a GeoJSON geometry: its coordinates are nested too deeply."}) from None
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, shapely.errors.GEOSException) as bad:
        raise ValidationError({"geometry": f"Not a GeoJSON geometry: {bad}."}) from None
    if shape.is_empty:
        raise ValidationError({"geometry": "The geometry is empty."})
    if not shape.is_valid:
        raise ValidationError({"geometry": f"The geometry is invalid: {shapely.is_valid_reason(shape)}."})
    return GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=SRID)
