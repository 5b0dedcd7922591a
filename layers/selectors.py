"""Reads. Permission scoping lives here: every staff queryset comes from `visible` or `editable`."""

from enum import Enum
from typing import TypeVar

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance, GeoFunc
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Func, Model, QuerySet, Value

from gisportal.accounts import roles
from gisportal.accounts.models import Role
from gisportal.db import reading_connection
from layers.models import (
    SRID,
    AsGeography,
    CollectionRoute,
    Complaint,
    Delegation,
    District,
    Governorate,
    Municipality,
    ServicePoint,
)

M = TypeVar("M", bound=Model)

# How each layer reaches its municipality; the administrative frame (governorates, delegations)
# is public and read-only for planners.
MUNICIPALITY_PATH: dict[type[Model], str] = {
    Municipality: "pk",
    District: "municipality",
    ServicePoint: "municipality",
    CollectionRoute: "municipality",
    Complaint: "municipality",
}
FRAME_LAYERS: tuple[type[Model], ...] = (Governorate, Delegation)


def register_municipal(model: type[Model], path: str) -> None:
    """Scope another app's model by its municipality (e.g. a proposal by `budget__municipality`), with the
    same rules as the layers; called from that app's `ready()`, since layers never imports the apps above it."""
    MUNICIPALITY_PATH[model] = path


class Scope(Enum):
    ALL = "all"
    OWN_MUNICIPALITIES = "own"
    NONE = "none"


def scope(model: type[Model], user: roles.User, *, for_edit: bool = False) -> Scope:
    """How much of a layer a user may see (or, with for_edit, change)."""
    role = roles.role_of(user)
    if role == Role.ADMINISTRATOR or (role == Role.ANALYST and not for_edit):
        return Scope.ALL
    if role != Role.PLANNER:
        return Scope.NONE
    if model in FRAME_LAYERS:
        return Scope.NONE if for_edit else Scope.ALL
    if for_edit and model is Municipality:
        return Scope.NONE
    return Scope.OWN_MUNICIPALITIES


def visible(model: type[M], user: roles.User) -> QuerySet[M]:
    """What a staff member may see of a layer."""
    return _scoped(model, user, scope(model, user))


def editable(model: type[M], user: roles.User) -> QuerySet[M]:
    """What a staff member may change of a layer."""
    return _scoped(model, user, scope(model, user, for_edit=True))


def _scoped(model: type[M], user: roles.User, extent: Scope) -> QuerySet[M]:
    queryset = model._default_manager.all()
    if extent is Scope.ALL:
        return queryset
    if extent is Scope.NONE:
        return queryset.none()
    return queryset.filter(**{f"{MUNICIPALITY_PATH[model]}__in": roles.municipality_ids(user)})


def in_scope(obj: Model, user: roles.User, *, for_edit: bool = False) -> bool:
    """Whether one object (live, or an old version from the history) is within the user's scope."""
    extent = scope(type(obj), user, for_edit=for_edit)
    if extent is not Scope.OWN_MUNICIPALITIES:
        return extent is Scope.ALL
    return municipality_id_of(obj) in roles.municipality_ids(user)


def municipality_id_of(obj: Model) -> int | None:
    """The municipality an object belongs to, following its model's path (`budget__municipality` …)."""
    if isinstance(obj, Municipality):
        return obj.pk
    *hops, last = MUNICIPALITY_PATH.get(type(obj), "municipality").split("__")
    target: Model | None = obj
    for hop in hops:
        target = getattr(target, hop, None)
    return getattr(target, last + "_id", None) if target is not None else None


def municipality_at(point: Point) -> Municipality | None:
    """The municipality a point lies in (the SQL function `municipality_at`, migration 0002)."""
    at_point = Func(Value(point, output_field=GeometryField(srid=SRID)), function="municipality_at")
    return Municipality.objects.filter(pk=at_point).first()


def district_at(municipality: Municipality, point: Point) -> District | None:
    return municipality.districts.filter(boundary__intersects=point).order_by("pk").first()


# The assets a category of complaint is about, and how far from the pin one may be to count.
ASSETS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    Complaint.Category.WASTE: (
        ServicePoint.Kind.WASTE_CONTAINER,
        ServicePoint.Kind.COLLECTION_POINT,
        ServicePoint.Kind.RECYCLING_POINT,
    ),
    Complaint.Category.ILLEGAL_DUMPING: (ServicePoint.Kind.WASTE_CONTAINER, ServicePoint.Kind.COLLECTION_POINT),
    Complaint.Category.WATER: (ServicePoint.Kind.WATER_POINT,),
}
ASSET_RADIUS_M = 100


def nearest_asset(municipality: Municipality, point: Point, category: str) -> ServicePoint | None:
    """The municipality's nearest asset of the kinds a complaint category is about, within ASSET_RADIUS_M."""
    kinds = ASSETS_BY_CATEGORY.get(category)
    if not kinds:
        return None
    candidates = ServicePoint.objects.filter(municipality=municipality, kind__in=kinds)
    nearby = within_metres(candidates, "location", point, ASSET_RADIUS_M)
    return nearby.annotate(metres=Distance("location", point)).order_by("metres", "pk").first()


class MetresEnvelope(GeoFunc):
    """A box in degrees holding every point within some metres of a geometry (SQL function, migration 0007)."""

    function = "metres_envelope"
    output_field = GeometryField(srid=SRID)


def within_metres(queryset: QuerySet[M], field: str, point: Point, metres: float) -> QuerySet[M]:
    """Rows whose `field` lies within `metres` of `point` on the spheroid, through the geometry GiST index."""
    return queryset.alias(_geography=AsGeography(field)).filter(  # type: ignore[return-value]
        **{f"{field}__bboverlaps": MetresEnvelope(Value(point, output_field=GeometryField(srid=SRID)), metres)},
        _geography__dwithin=(point, D(m=metres)),
    )


def explain(queryset: QuerySet) -> str:
    """The plan PostgreSQL picks for a queryset (for checks that an index is used)."""
    sql, params = queryset.query.sql_with_params()
    with reading_connection().cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


# Above this many rows the home page shows PostgreSQL's estimate rather than scanning the table.
EXACT_COUNT_LIMIT = 100_000


def table_sizes(tables: list[str]) -> dict[str, int]:
    """Rows in each table, in two queries: exact for small ones, PostgreSQL's estimate for big ones
    (a page view never counts a million rows)."""
    with reading_connection().cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE oid = ANY(%s::regclass[])", [tables])
        sizes = dict(cursor.fetchall())
        small = [table for table in tables if sizes[table] < EXACT_COUNT_LIMIT]
        if small:  # model table names, never input
            cursor.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in small))  # noqa: S608
            sizes.update(cursor.fetchall())
    return {table: int(sizes[table]) for table in tables}


def public_layer_counts() -> dict[str, int]:
    """How much the portal maps, for the home page."""
    tables = {
        "municipalities": Municipality,
        "districts": District,
        "service_points": ServicePoint,
        "collection_routes": CollectionRoute,
        "complaints": Complaint,
    }
    sizes = table_sizes([model._meta.db_table for model in tables.values()])
    return {name: sizes[model._meta.db_table] for name, model in tables.items()}
