"""Reads for the API. Scoping comes from `layers.selectors.visible`; GeoJSON is built inside PostGIS."""

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.gis.db import models as gis
from django.contrib.gis.db.models import PolygonField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import EmptyResultSet
from django.db.models import F, Func, Max, Min, Q, QuerySet, Value

from gisportal.accounts import roles
from gisportal.api import statements
from gisportal.api.collections import Collection
from gisportal.db import reading_connection
from layers import selectors

GEOJSON_PRECISION = 7  # about 1 cm: more digits only weigh on the wire
EXACT_EXTENT_BELOW = 100_000  # rows
# numberMatched: an exact count below this many rows in the layer's table (a few ms through the indexes);
# above it, the planner's row estimate (pg_class.reltuples) for an unfiltered read of the whole layer,
# and no numberMatched at all for a filtered or scoped read (counting would scan what paging avoids).
EXACT_COUNT_BELOW = 100_000  # rows
CRS84_SRID = 4326  # the bbox's coordinates: longitude, latitude on WGS 84
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FeatureFilter:
    bbox: Box | None = None  # west, south, east, north in CRS84
    start: datetime | None = None
    end: datetime | None = None
    properties: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class FeaturePage:
    features_json: str  # a JSON array of GeoJSON features, built by PostGIS
    returned: int
    last_key: tuple[Any, int] | None  # (sort value, id) of the last feature: the next page starts after it
    has_more: bool
    matched: int | None = None  # numberMatched, when asked for and cheap (see EXACT_COUNT_BELOW)


def features(collection: Collection, user: roles.User, where: FeatureFilter) -> QuerySet:
    """The features of a collection the user may see, filtered (bbox is a true intersection, not an overlap)."""
    return _filtered(collection, user, where.bbox, where.start, where.end, where.properties)


def _filtered(
    collection: Collection,
    user: roles.User,
    box: Box | None,
    start: datetime | None,
    end: datetime | None,
    properties: tuple[tuple[str, object], ...],
) -> QuerySet:
    queryset = collection.readable(selectors.visible(collection.model, user))
    if box is not None:
        # Four numbers rather than a geometry: values a page's compiled statement takes as they are (statements).
        envelope = Func(
            *(Value(side) for side in box), Value(CRS84_SRID), function="ST_MakeEnvelope", output_field=PolygonField()
        )
        queryset = queryset.filter(**{f"{collection.geometry}__intersects": envelope})
    if collection.temporal and start is not None:
        queryset = queryset.filter(**{f"{collection.temporal}__gte": start})
    if collection.temporal and end is not None:
        queryset = queryset.filter(**{f"{collection.temporal}__lte": end})
    for lookup, value in properties:
        queryset = queryset.filter(**{lookup: value})
    return queryset


def _feature_sql(
    collection: Collection, queryset: QuerySet, order: str = "pk", *, limit: int | None = None
) -> tuple[str, tuple]:
    """SQL returning (id, sort value, feature json) rows for a queryset, the first `limit` of them if given."""
    extra = () if order in {"pk", *collection.properties} else (order,)
    codes = {name: F(lookup) for name, lookup in collection.codes}
    rows = queryset.annotate(
        api_geometry=AsGeoJSON(collection.geometry, precision=GEOJSON_PRECISION),
    ).values("pk", "api_geometry", *collection.properties, *extra, **codes)
    sql, params = rows.query.sql_with_params()
    if limit is not None:  # a parameter, where slicing would write the number into the SQL's text
        sql, params = f"{sql} LIMIT %s", (*params, limit)
    # The id among the properties too: QGIS (through GDAL) keeps the top-level id as its own, unseen.
    properties = ", ".join(f"'{name}', t.{'pk' if name == 'id' else name}" for name in collection.published)
    feature = (
        "json_build_object('type', 'Feature', 'id', t.pk, 'geometry', t.api_geometry::json, "
        f"'properties', json_build_object({properties}))"
    )
    return f"SELECT t.pk AS id, t.{order} AS sort_value, {feature} AS feature FROM ({sql}) AS t", params  # noqa: S608


# One page: starting parallel workers or JIT-compiling costs more (tens of ms) than they save; it also keeps the
# planner on the id index, which stops after `limit` rows instead of sorting the bbox. Sent with the page in one
# round trip, the two share a transaction (the request's, or the one PostgreSQL gives such a query in autocommit),
# so the settings hold for this page only.
PAGE_SETTINGS = "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true); "


def feature_page(
    collection: Collection,
    user: roles.User,
    where: FeatureFilter,
    *,
    limit: int,
    after: tuple[Any, int] | None = None,
    order: str = "pk",
    descending: bool = False,
    count: bool = False,
) -> FeaturePage:
    """One page after the key `(sort value, id)` of the previous page's last feature.

    Keyset paging: no OFFSET, so page 1,000 costs what page 1 costs. With `count`, the number of features
    matched by the filter (whatever page this is) in the same statement, where it is cheap.
    """
    try:
        sql, params = _page_statement(
            collection, user, where, limit=limit, after=after, order=order, descending=descending, count=count
        )
    except EmptyResultSet:  # a scope that is empty before any row is read
        return FeaturePage("[]", 0, None, False, 0 if count else None)
    with reading_connection().cursor() as cursor:
        cursor.execute(PAGE_SETTINGS + sql, params)  # type: ignore[arg-type]
        cursor.nextset()
        features_json, returned, last_key, has_more, matched = cursor.fetchone()
    key = tuple(json.loads(last_key)) if last_key else None
    return FeaturePage(features_json, returned, key, has_more, matched)  # type: ignore[arg-type]


def _scope_key(collection: Collection, user: roles.User) -> Hashable:
    """What the scoped queryset is made of: whose it is, the scope rule's answer and a planner's municipalities."""
    extent = selectors.scope(collection.model, user)
    mine = frozenset(roles.municipality_ids(user)) if extent is selectors.Scope.OWN_MUNICIPALITIES else None
    return (user.pk, extent, mine)


def _page_statement(
    collection: Collection,
    user: roles.User,
    where: FeatureFilter,
    *,
    limit: int,
    after: tuple[Any, int] | None,
    order: str,
    descending: bool,
    count: bool,
) -> tuple[str, list[object]]:
    """The page's SQL and parameters, compiled once per shape of request (`statements`).

    The shape holds what changes the SQL's text; the values list what only fills its parameters, in the order
    `build` takes them back.
    """
    box = where.bbox
    moments = tuple(moment for moment in (where.start, where.end) if moment is not None)
    # A boolean filter is written into the text (`col`, `NOT col`): part of the shape.
    flags = tuple((lookup, value if isinstance(value, bool) else None) for lookup, value in where.properties)
    keyed = () if after is None else (after[1],) if order == "pk" else after
    values = [limit, limit + 1, *(box or ()), *moments, *(v for _, v in where.properties if not isinstance(v, bool))]
    values += keyed
    filters = (box is not None, where.start is not None, where.end is not None, flags)
    shape = (collection.id, _scope_key(collection, user), filters, after is not None, order, descending, count)

    def build(given: Sequence[object]) -> tuple[str, Sequence[object]]:
        taken = iter(given)
        page_limit, rows = next(taken), next(taken)
        given_box = tuple(next(taken) for _ in range(4)) if box is not None else None
        start = next(taken) if where.start is not None else None
        end = next(taken) if where.end is not None else None
        properties = tuple((lookup, flag if flag is not None else next(taken)) for lookup, flag in flags)
        given_after = None if after is None else (None, next(taken)) if order == "pk" else (next(taken), next(taken))
        queryset = _filtered(collection, user, given_box, start, end, properties)  # type: ignore[arg-type]
        matched_sql, matched_params = "NULL::bigint", ()
        if count:
            unfiltered = given_box is None and start is None and end is None and not properties
            matched_sql, matched_params = _matched_sql(collection, user, unfiltered, queryset)
        later = "lt" if descending else "gt"
        if given_after is not None:
            value, last_id = given_after
            if order == "pk":
                queryset = queryset.filter(**{f"pk__{later}": last_id})
            else:
                queryset = queryset.filter(
                    Q(**{f"{order}__{later}": value}) | Q(**{order: value, f"pk__{later}": last_id})
                )
        sign = "-" if descending else ""
        ordered = queryset.order_by(f"{sign}{order}", f"{sign}pk")
        # One more row than the page tells if a next page exists.
        sql, params = _feature_sql(collection, ordered, order, limit=rows)  # type: ignore[arg-type]
        direction = "DESC" if descending else "ASC"
        # json_agg takes the rows in the order the window hands them on (numbered, so sorted by n): an
        # `ORDER BY f.n` inside it would sort the page's features once more (PostgreSQL 15 always does).
        page_sql = f"""
        SELECT coalesce(json_agg(f.feature) FILTER (WHERE f.n <= %s), '[]')::text,
               count(*) FILTER (WHERE f.n <= %s),
               (array_agg(json_build_array(f.sort_value, f.id)::text) FILTER (WHERE f.n = %s))[1],
               count(*) > %s,
               ({matched_sql})
        FROM (SELECT p.id, p.sort_value, p.feature,
                     row_number() OVER (ORDER BY p.sort_value {direction}, p.id {direction}) AS n
              FROM ({sql}) AS p) AS f
    """  # noqa: S608 (the inner SQL is Django's, with its parameters passed separately)
        return page_sql, (page_limit, page_limit, page_limit, page_limit, *matched_params, *params)

    return statements.statement(shape, values, build)


def _matched_sql(collection: Collection, user: roles.User, unfiltered: bool, queryset: QuerySet) -> tuple[str, tuple]:
    """SQL for numberMatched: exact on a small table, the statistics' estimate for a whole large one, else NULL."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    whole_layer = unfiltered and not collection.withheld
    whole_layer = whole_layer and selectors.scope(collection.model, user) is selectors.Scope.ALL
    # An uncorrelated subquery in CASE runs only when its branch is taken: a large table is never counted.
    matched = (
        f"SELECT CASE WHEN s.reltuples < %s THEN (SELECT count(*) FROM ({sql}) AS c) "  # noqa: S608 (Django SQL)
        "WHEN %s AND s.reltuples >= 0 THEN s.reltuples::bigint END "
        "FROM pg_class AS s WHERE s.oid = %s::regclass"
    )
    return matched, (EXACT_COUNT_BELOW, *params, whole_layer, collection.table)


def feature_json(collection: Collection, user: roles.User, feature_id: int, *, for_update: bool = False) -> str | None:
    """One feature as GeoJSON text, or None when it does not exist or is out of the user's scope."""
    scoped = (selectors.editable if for_update else selectors.visible)(collection.model, user)
    queryset = collection.readable(scoped).filter(pk=feature_id)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        sql, params = _feature_sql(collection, queryset)
    except EmptyResultSet:
        return None
    with reading_connection().cursor() as cursor:
        cursor.execute(f"SELECT p.feature::text FROM ({sql}) AS p", params)  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class Extent:
    bbox: tuple[float, float, float, float] | None
    interval: tuple[datetime | None, datetime | None] | None


# A line beyond each side of the world, in degrees: the feature nearest to it holds that side of the extent.
SIDES = (
    ("ST_XMin", "-1000 -1000, -1000 1000"),
    ("ST_YMin", "-1000 -1000, 1000 -1000"),
    ("ST_XMax", "1000 -1000, 1000 1000"),
    ("ST_YMax", "-1000 1000, 1000 1000"),
)


def _is_large(collection: Collection) -> bool:
    with reading_connection().cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [collection.table])
        (rows,) = cursor.fetchone()
    return rows > EXACT_EXTENT_BELOW


def _estimated_extent(collection: Collection) -> Box | None:
    """The planner statistics' extent of the whole table (no scan; None before the first ANALYZE)."""
    with reading_connection().cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM ST_EstimatedExtent(%s, %s) AS b",
            (collection.table, collection.geometry),
        )
        box = cursor.fetchone()
    return box if box[0] is not None else None


def _nearest_sides(collection: Collection, queryset: QuerySet) -> Box | None:
    """The exact extent of a queryset in four GiST nearest-neighbour lookups rather than a scan of every row."""
    sql, params = queryset.order_by().values(collection.geometry).query.sql_with_params()
    column, srid = collection.geometry, collection.model_srid
    sides = ", ".join(
        f"(SELECT {side}(t.{column}) FROM ({sql}) AS t "  # noqa: S608 (Django's SQL, its parameters apart)
        f"ORDER BY t.{column} <-> ST_GeomFromText('LINESTRING({line})', {srid}) LIMIT 1)"
        for side, line in SIDES
    )
    with reading_connection().cursor() as cursor:
        cursor.execute(f"SELECT {sides}", params * len(SIDES))
        box = cursor.fetchone()
    return box if box[0] is not None else None


def extent(collection: Collection, user: roles.User) -> Extent:
    """The CRS84 extent and time span of what the user may read: never other municipalities' or withheld rows."""
    readable = collection.readable(selectors.visible(collection.model, user))
    bbox = None
    if selectors.scope(collection.model, user) is selectors.Scope.ALL and _is_large(collection):
        # No scan of a large layer; the statistics' estimate covers every row, so not where some are withheld.
        bbox = _nearest_sides(collection, readable) if collection.withheld else _estimated_extent(collection)
    # Else exact: a small layer, or a planner's own rows (found through the municipality index).
    aggregates: dict[str, Any] = {} if bbox else {"box": gis.Extent(collection.geometry)}
    if collection.temporal:  # through the time column's index where every municipality counts
        aggregates |= {"start": Min(collection.temporal), "end": Max(collection.temporal)}
    found = readable.aggregate(**aggregates) if aggregates else {}
    interval = (found["start"], found["end"]) if collection.temporal else None
    return Extent(bbox or found.get("box"), interval)
