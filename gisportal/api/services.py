"""Writes through the API. Each is transactional; the layer history records who changed what."""

from typing import Any, cast

from django.contrib.gis.geos import GEOSGeometry, MultiLineString, MultiPolygon
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Field, Model

from gisportal.accounts import roles
from gisportal.api.collections import Collection
from layers import selectors
from layers import services as layer_services
from layers.models import SRID, Complaint

# Set by the portal, never by a client: ids, computed scores, the complaint's routing and its timestamps.
READ_ONLY = frozenset({"marginalisation_score", "tracking_code", "created_at", "updated_at", "district_id", "osm_id"})


def writable_properties(collection: Collection) -> tuple[str, ...]:
    read_only = READ_ONLY | ({"municipality_id"} if collection.model is Complaint else set())
    return tuple(name for name in collection.properties if name not in read_only)


def _as_field_geometry(geometry: GEOSGeometry, geometry_type: str) -> GEOSGeometry:
    """A single polygon or line is accepted where the layer stores multi-geometries."""
    if geometry_type == "MultiPolygon" and geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=SRID)
    if geometry_type == "MultiLineString" and geometry.geom_type == "LineString":
        return MultiLineString(geometry, srid=SRID)
    if geometry.geom_type != geometry_type:
        raise ValidationError({"geometry": f"This layer holds {geometry_type} geometries, not {geometry.geom_type}."})
    return geometry


def _from_json(field: Field, value: Any) -> Any:
    """A JSON value as the field's Python type: a list where an id belongs is refused here, not by SQL."""
    if isinstance(field, ArrayField):
        if not isinstance(value, list):
            raise ValidationError("Expected a list.", code="invalid")
        return [_from_json(field.base_field, item) for item in value]
    if isinstance(value, list | dict) or (isinstance(value, bool) and not isinstance(field, BooleanField)):
        raise ValidationError(f"Expected a single value, not {type(value).__name__}.", code="invalid")
    return field.to_python(value)


def _typed(collection: Collection, properties: dict[str, Any]) -> dict[str, Any]:
    typed, errors = {}, {}
    for name, value in properties.items():
        try:
            typed[name] = _from_json(cast(Field, collection.model._meta.get_field(name)), value)
        except ValidationError as invalid:
            errors[name] = invalid.messages
    if errors:
        raise ValidationError(errors)
    return typed


def _codes_resolved(collection: Collection, instance: Model, properties: dict[str, Any]) -> dict[str, Any]:
    """`municipality_code: "6211"` becomes the `municipality_id` it names (both given must agree)."""
    resolved = dict(properties)
    for name, lookup in collection.codes:
        if name not in resolved:
            continue
        relation = lookup.partition("__")[0]
        key, code = f"{relation}_id", resolved.pop(name)
        related = cast(Field, collection.model._meta.get_field(relation)).related_model
        current = getattr(instance, relation) if getattr(instance, key, None) is not None else None
        if code is None or (current is not None and code == current.code):
            continue  # unchanged, as a client sends back what it read
        if not isinstance(code, str):
            raise ValidationError({name: 'An official code is a string, e.g. "6211".'})
        found = related._default_manager.filter(code=code).values_list("pk", flat=True).first()  # type: ignore[union-attr]
        if found is None:
            raise ValidationError({name: f"No {relation} has the code {code!r}."})
        if resolved.get(key) is not None and resolved[key] != found:
            raise ValidationError({name: f"{name} {code!r} and {key} {resolved[key]!r} name different {relation}s."})
        resolved[key] = found
    return resolved


def _without_echoes(collection: Collection, instance: Model, properties: dict[str, Any]) -> dict[str, Any]:
    """Drops the id and read-only properties a client sends back unchanged (QGIS sends every field it read)."""
    writable = set(writable_properties(collection))
    kept = {}
    for name, value in properties.items():
        if name == "id":
            if value is not None and value != instance.pk:
                raise ValidationError({"id": "A feature's id is set by the portal and never changes."})
            continue
        if name not in writable and name in collection.properties and _unchanged(collection, instance, name, value):
            continue
        if value is None and instance.pk is None and name in collection.properties and _has_default(collection, name):
            continue  # a field left empty in a new feature takes the layer's default, as in the admin
        kept[name] = value
    return kept


def _has_default(collection: Collection, name: str) -> bool:
    field = cast(Field, collection.model._meta.get_field(name))
    return not field.null and (field.has_default() or field.blank)


def _unchanged(collection: Collection, instance: Model, name: str, value: Any) -> bool:
    field = cast(Field, collection.model._meta.get_field(name))
    current = getattr(instance, field.attname) if instance.pk is not None else None
    if value is None or current is None:
        return value is None and current is None
    try:
        return _from_json(field, value) == current
    except ValidationError:
        return False


@transaction.atomic
def save_feature(
    *,
    collection: Collection,
    user: roles.User,
    instance: Model,
    properties: dict[str, Any],
    geometry: GEOSGeometry | None,
    replace: bool = False,
) -> Model:
    """Create, replace (every writable property reset first) or update a feature within the user's scope."""
    writable = writable_properties(collection)
    properties = _without_echoes(collection, instance, _codes_resolved(collection, instance, properties))
    unknown = sorted(set(properties) - set(writable))
    if unknown:
        raise ValidationError({"properties": f"Unknown or read-only properties: {', '.join(unknown)}."})
    if replace:
        for name in writable:
            field = cast(Field, collection.model._meta.get_field(name))
            setattr(instance, field.attname, field.get_default())
    for name, value in _typed(collection, properties).items():
        setattr(instance, name, value)
    if geometry is not None:
        setattr(instance, collection.geometry, _as_field_geometry(geometry, collection.geometry_type))
    if getattr(instance, collection.geometry) is None:
        raise ValidationError({"geometry": "A feature needs a geometry."})
    if isinstance(instance, Complaint) and (geometry is not None or instance.pk is None):
        layer_services.place_complaint(instance)  # routed by its location, as in the admin
    if getattr(instance, "municipality_id", None) is None and "municipality_id" in writable:
        raise ValidationError({"municipality_id": "A feature needs its municipality."})
    if not selectors.in_scope(instance, user, for_edit=True):
        raise PermissionDenied("This feature would be in a municipality you do not manage.")
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def delete_feature(*, instance: Model) -> None:
    instance.delete()
