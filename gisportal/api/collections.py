"""Every layer as an API collection: which columns it publishes and which filters it accepts.

One registry feeds the OGC API, the vector tiles and the OpenAPI document, so a column left out
here (a citizen's name or contact) is left out everywhere.
"""

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet, TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from layers.models import CollectionRoute, Complaint, Delegation, District, Governorate, Municipality, ServicePoint


@dataclass(frozen=True)
class Queryable:
    """A property filter: `?name=value` becomes `lookup=value`, checked against `choices` if any."""

    name: str
    lookup: str
    description: str
    choices: type[TextChoices] | None = None
    boolean: bool = False


@dataclass(frozen=True)
class Collection:
    id: str
    model: type[Model]
    title: Promise
    description: Promise
    geometry: str
    geometry_type: str
    properties: tuple[str, ...]
    queryables: tuple[Queryable, ...] = ()
    temporal: str | None = None
    # Properties a map needs in a vector tile (keeps tiles small), and the zooms that show features.
    tile_properties: tuple[str, ...] = ()
    min_zoom: int = 0
    max_zoom: int = 22
    # Below this zoom, point layers become grid counts instead of single features.
    cluster_below: int | None = None
    # Rows no API shows, whoever asks (a moderated complaint may hold personal or abusive content).
    withheld: dict[str, object] = field(default_factory=dict)
    # Official codes published beside the internal keys, as (property, lookup): `municipality_code` is what
    # the filters, the analyses and people use; `municipality_id` stays for the clients that already read it.
    codes: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def model_srid(self) -> int:
        return self.model._meta.get_field(self.geometry).srid  # type: ignore[union-attr]

    def readable(self, queryset: QuerySet) -> QuerySet:
        """A scoped queryset without the withheld rows."""
        return queryset.exclude(**self.withheld) if self.withheld else queryset

    @property
    def published(self) -> tuple[str, ...]:
        """Every property a feature carries: its id (which QGIS shows as a field), the columns, the codes."""
        return ("id", *self.properties, *(name for name, _ in self.codes))

    def queryable(self, name: str) -> Queryable | None:
        return next((q for q in self.queryables if q.name == name), None)


MUNICIPALITY = Queryable("municipality", "municipality__code", "Official code of the municipality, e.g. 6211")
# The same filter under the property's own name, so that QGIS sends a filter on that field to the server.
MUNICIPALITY_CODE = Queryable("municipality_code", "municipality__code", "Official code of the municipality")
GOVERNORATE_CODE = Queryable("governorate_code", "governorate__code", "Official code of the governorate")
MUNICIPALITY_CODES = (("municipality_code", "municipality__code"),)
GOVERNORATE_CODES = (("governorate_code", "governorate__code"),)

COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            id="governorates",
            model=Governorate,
            title=_("Governorates"),
            description=_("The 24 governorates: official code and names in French and Arabic."),
            geometry="boundary",
            geometry_type="MultiPolygon",
            properties=("code", "name_fr", "name_ar"),
            queryables=(Queryable("code", "code", "Official code, e.g. 62"),),
            tile_properties=("code", "name_fr", "name_ar"),
        ),
        Collection(
            id="delegations",
            model=Delegation,
            title=_("Delegations"),
            description=_(
                "Census delegations: 2014 population and households, regional development index, distances to the "
                "governorate seat and to Tunis."
            ),
            geometry="boundary",
            geometry_type="MultiPolygon",
            properties=(
                "code",
                "name_fr",
                "name_ar",
                "governorate_id",
                "population_2014",
                "households_2014",
                "region",
                "development_index_2011",
                "distance_to_governorate_seat_km",
                "distance_to_tunis_km",
            ),
            queryables=(
                Queryable("code", "code", "Census code"),
                Queryable("governorate", "governorate__code", "Official code of the governorate"),
                GOVERNORATE_CODE,
            ),
            codes=GOVERNORATE_CODES,
            tile_properties=("code", "name_fr", "name_ar", "population_2014", "development_index_2011"),
            min_zoom=5,
        ),
        Collection(
            id="municipalities",
            model=Municipality,
            title=_("Municipalities"),
            description=_(
                "Municipalities: official code, names, kind, population and council seats. Every other layer refers "
                "to them by municipality_code."
            ),
            geometry="boundary",
            geometry_type="MultiPolygon",
            properties=("code", "name_fr", "name_ar", "governorate_id", "kind", "population", "council_seats"),
            queryables=(
                Queryable("code", "code", "Official code, e.g. 6211"),
                Queryable("governorate", "governorate__code", "Official code of the governorate"),
                GOVERNORATE_CODE,
                Queryable("kind", "kind", "Kind of municipality", Municipality.Kind),
            ),
            codes=GOVERNORATE_CODES,
            tile_properties=("code", "name_fr", "name_ar", "population"),
            min_zoom=5,
        ),
        Collection(
            id="districts",
            model=District,
            title=_("Districts"),
            description=_(
                "Districts of a municipality with their living conditions (poverty, unemployment, water, sanitation "
                "and waste collection rates) and marginalisation score; priority districts flagged."
            ),
            geometry="boundary",
            geometry_type="MultiPolygon",
            properties=(
                "municipality_id",
                "name",
                "name_ar",
                "kind",
                "population",
                "poverty_rate",
                "unemployment_rate",
                "water_access_rate",
                "sanitation_access_rate",
                "waste_collection_rate",
                "is_priority",
                "marginalisation_score",
            ),
            queryables=(
                MUNICIPALITY,
                MUNICIPALITY_CODE,
                Queryable("kind", "kind", "Kind of district", District.Kind),
                Queryable("is_priority", "is_priority", "Priority district (true or false)", boolean=True),
            ),
            codes=MUNICIPALITY_CODES,
            tile_properties=("name", "kind", "population", "marginalisation_score", "is_priority"),
            min_zoom=9,
        ),
        Collection(
            id="service-points",
            model=ServicePoint,
            title=_("Service points"),
            description=_(
                "Service points: waste containers, pharmacies, health facilities and other municipal services, with "
                "status, capacity and opening hours."
            ),
            geometry="location",
            geometry_type="Point",
            properties=("municipality_id", "kind", "name", "status", "capacity", "opening_hours", "osm_id"),
            queryables=(
                MUNICIPALITY,
                MUNICIPALITY_CODE,
                Queryable("kind", "kind", "Type of service point", ServicePoint.Kind),
                Queryable("status", "status", "Status", ServicePoint.Status),
            ),
            codes=MUNICIPALITY_CODES,
            tile_properties=("kind", "name", "status"),
            min_zoom=6,
            cluster_below=12,
        ),
        Collection(
            id="collection-routes",
            model=CollectionRoute,
            title=_("Waste collection routes"),
            description=_("Waste collection routes: days of service, frequency, hours and vehicle."),
            geometry="path",
            geometry_type="MultiLineString",
            properties=("municipality_id", "name", "service_days", "frequency", "starts_at", "ends_at", "vehicle"),
            queryables=(
                MUNICIPALITY,
                MUNICIPALITY_CODE,
                Queryable("frequency", "frequency", "Frequency", CollectionRoute.Frequency),
            ),
            codes=MUNICIPALITY_CODES,
            tile_properties=("name", "service_days", "starts_at", "ends_at"),
            min_zoom=10,
        ),
        Collection(
            id="complaints",
            model=Complaint,
            title=_("Complaints"),
            description=_(
                "Citizens' reports (category, description, status, dates), without the reporter's name or contact; "
                "moderated reports withheld."
            ),
            geometry="location",
            geometry_type="Point",
            # Never reporter_name or reporter_contact: a citizen's details stay out of every API.
            properties=(
                "tracking_code",
                "municipality_id",
                "district_id",
                "category",
                "description",
                "status",
                "created_at",
                "updated_at",
            ),
            queryables=(
                MUNICIPALITY,
                MUNICIPALITY_CODE,
                Queryable("category", "category", "Category", Complaint.Category),
                Queryable("status", "status", "Status", Complaint.Status),
            ),
            codes=MUNICIPALITY_CODES,
            temporal="created_at",
            withheld={"is_hidden": True},
            tile_properties=("category", "status"),
            min_zoom=6,
            cluster_below=13,
        ),
    )
}
