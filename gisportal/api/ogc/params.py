"""Query parameters of the items endpoint, checked strictly: an unknown or malformed one is a 400."""

import math
from datetime import UTC, datetime, time

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from gisportal.api.collections import Collection
from gisportal.api.parsing import BIGINT_MAX, BadParameter, bounded_instant, decimal_number, whole_number
from gisportal.api.selectors import Box, FeatureFilter

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
COMMON_PARAMETERS = frozenset({"f", "limit", "bbox", "bbox-crs", "datetime", "after"})


def parse_items_query(collection: Collection, query: QueryDict) -> tuple[FeatureFilter, int, int | None]:
    unknown = sorted(set(query) - COMMON_PARAMETERS - {q.name for q in collection.queryables})
    if unknown:
        known = ", ".join(sorted(COMMON_PARAMETERS | {q.name for q in collection.queryables}))
        raise BadParameter(f"Unknown parameter(s): {', '.join(unknown)}. This collection accepts: {known}.")
    moment, bbox = query.get("datetime"), query.get("bbox")
    start, end = parse_interval(moment) if moment is not None else (None, None)
    where = FeatureFilter(
        bbox=parse_bbox(bbox, query.get("bbox-crs") or CRS84) if bbox is not None else None,
        start=start,
        end=end,
        properties=tuple(property_filters(collection, query)),
    )
    return where, parse_limit(query.get("limit")), parse_after(query.get("after"))


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    # Clamped, as OGC API - Features asks, rather than refused.
    return min(whole_number(value, "limit", minimum=1, maximum=None), MAX_LIMIT)


def parse_after(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return whole_number(value, "after", minimum=0, maximum=BIGINT_MAX)
    except BadParameter:
        raise BadParameter("after must be a feature id taken from a next link.") from None


def parse_bbox(value: str, crs: str) -> Box:
    if crs != CRS84:
        raise BadParameter(f"bbox-crs {crs!r} is not supported; use {CRS84}.")
    try:
        numbers = [decimal_number(n, "bbox", minimum=-math.inf, maximum=math.inf) for n in value.split(",")]
    except BadParameter:
        raise BadParameter(
            "bbox must be four numbers: min longitude, min latitude, max longitude, max latitude."
        ) from None
    if len(numbers) == 6:  # a 3D box: heights are ignored, every layer is 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4:
        raise BadParameter("bbox must be four numbers: min longitude, min latitude, max longitude, max latitude.")
    west, south, east, north = numbers
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadParameter("bbox must lie within -180,-90,180,90 with min before max (no antimeridian crossing).")
    return west, south, east, north


def parse_instant(value: str, *, end: bool) -> datetime | None:
    if value in {"", ".."}:
        return None
    moment = None if len(value) == 10 else parse_datetime(value)  # YYYY-MM-DD is a day, not its midnight
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise BadParameter(f"datetime {value!r} is neither an RFC 3339 date-time nor a date.")
        # A date stands for the whole day.
        moment = datetime.combine(day, time.max if end else time(), tzinfo=UTC)
    return bounded_instant(moment if moment.tzinfo else moment.replace(tzinfo=UTC), "datetime")


def parse_interval(value: str) -> tuple[datetime | None, datetime | None]:
    try:
        if "/" not in value:
            if len(value) != 10 and parse_datetime(value) is not None:
                instant = parse_instant(value, end=False)
                return instant, instant
            return parse_instant(value, end=False), parse_instant(value, end=True)
        first, _, last = value.partition("/")
        start, end = parse_instant(first, end=False), parse_instant(last, end=True)
    except BadParameter:
        raise
    except ValueError as error:  # an impossible date such as 2024-02-30
        raise BadParameter(f"datetime {value!r}: {error}.") from None
    if start is None and end is None and first != ".." and last != "..":
        raise BadParameter("datetime needs at least one end of the interval.")
    if start and end and start > end:
        raise BadParameter("datetime: the interval ends before it starts.")
    return start, end


def property_filters(collection: Collection, query: QueryDict) -> list[tuple[str, object]]:
    filters: list[tuple[str, object]] = []
    for queryable in collection.queryables:
        if queryable.name not in query:
            continue
        value: object = query.get(queryable.name)
        if queryable.choices is not None and value not in queryable.choices.values:
            allowed = ", ".join(queryable.choices.values)
            raise BadParameter(f"{queryable.name} must be one of: {allowed}.")
        if queryable.boolean:
            if value not in {"true", "false"}:
                raise BadParameter(f"{queryable.name} must be true or false.")
            value = value == "true"
        filters.append((queryable.lookup, value))
    return filters
