"""The layers an import can fill, described from their Django models: columns, types, keys, references."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.gis.db.models import GeometryField
from django.db import connection
from django.db.models import NOT_PROVIDED, Field, ForeignKey, GeneratedField, Model

from etl.models import RoadSegment
from gisportal.complaints.models import Place
from gisportal.scorecards.models import (
    BudgetExecution,
    BudgetLine,
    LegacyMunicipality,
    PerformanceCriterion,
    PerformanceScore,
)
from layers.models import CollectionRoute, Complaint, Delegation, District, Governorate, Municipality, ServicePoint

# Geometry families: what a source geometry may be for a layer of this type.
FAMILIES = {
    "POINT": ("Point", "MultiPoint"),
    "MULTIPOLYGON": ("Polygon", "MultiPolygon"),
    "MULTILINESTRING": ("LineString", "MultiLineString"),
}
DIMENSION = {"POINT": 1, "MULTIPOLYGON": 3, "MULTILINESTRING": 2}  # ST_CollectionExtract's type numbers


@dataclass(frozen=True)
class Target:
    name: str
    model: type[Model]
    natural_key: tuple[str, ...]
    # Foreign keys given in files by the referenced layer's code.
    references: dict[str, str] = field(default_factory=dict)
    # Whether planners may fill it from the upload page (national tables come from the command).
    uploadable: bool = True

    @cached_property
    def table(self) -> str:
        return self.model._meta.db_table

    @cached_property
    def geometry(self) -> GeometryField | None:
        """The geometry column; None for a table (budgets, scores) filled from a CSV without coordinates."""
        return next((f for f in self.model._meta.concrete_fields if isinstance(f, GeometryField)), None)

    @cached_property
    def geometry_type(self) -> str | None:
        return self.geometry.geom_type.upper() if self.geometry else None

    @property
    def municipality_scoped(self) -> bool:
        """Rows placed in a municipality by their geometry (or checked against its boundary)."""
        return "municipality" in self.references and self.model is not Municipality and self.geometry is not None

    @cached_property
    def fields(self) -> dict[str, Field]:
        """Fields a file can give, by name (foreign keys by the name of the relation)."""
        return {
            f.name: f
            for f in self.model._meta.concrete_fields
            if not f.primary_key
            and not isinstance(f, GeometryField | GeneratedField)
            and (not isinstance(f, ForeignKey) or f.name in self.references)
        }

    @cached_property
    def stamped(self) -> frozenset[str]:
        """Fields stamped with the time of the write where a file gives none (auto_now, auto_now_add)."""
        return frozenset(
            n for n, f in self.fields.items() if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        )

    def db_type(self, name: str) -> str:
        if isinstance(self.fields[name], ForeignKey):
            return "text"
        return str(self.fields[name].db_type(connection))

    def column(self, name: str) -> str:
        return str(self.fields[name].column)

    def required(self, name: str) -> bool:
        """Whether a row without this value must be rejected."""
        f = self.fields[name]
        if name == "municipality" and self.municipality_scoped:
            return False  # found by point-in-polygon when not given
        return not f.null and f.default is NOT_PROVIDED and not getattr(f, "auto_now_add", False) and not f.blank


TARGETS = {
    target.name: target
    for target in (
        Target("governorates", Governorate, ("code",)),
        Target("municipalities", Municipality, ("code",), {"governorate": "code"}),
        Target("delegations", Delegation, ("code",), {"governorate": "code"}),
        Target("districts", District, ("municipality", "name"), {"municipality": "code"}),
        Target("service-points", ServicePoint, ("osm_id",), {"municipality": "code"}),
        Target("collection-routes", CollectionRoute, ("municipality", "name"), {"municipality": "code"}),
        Target("complaints", Complaint, ("tracking_code",), {"municipality": "code"}),
        Target("roads", RoadSegment, ("osm_id",), {"municipality": "code"}),
        Target("places", Place, ("geonameid",), uploadable=False),
        Target(
            "budget-lines",
            BudgetLine,
            ("municipality", "year", "kind", "title", "article", "paragraph", "sub_paragraph"),
            {"municipality": "code"},
            uploadable=False,
        ),
        Target(
            "budget-executions",
            BudgetExecution,
            ("municipality", "year", "month", "kind", "title", "article", "paragraph", "sub_paragraph"),
            {"municipality": "code"},
            uploadable=False,
        ),
        Target("legacy-municipalities", LegacyMunicipality, ("legacy_id",), {"municipality": "code"}, uploadable=False),
        Target("performance-criteria", PerformanceCriterion, ("code",), uploadable=False),
        Target(
            "performance-scores",
            PerformanceScore,
            ("municipality", "year", "criterion"),
            {"municipality": "code", "criterion": "code"},
            uploadable=False,
        ),
    )
}

# The names layers had before they were named as the API and the tiles name them: saved specs, scripts and
# bookmarked open-data links still work with them.
FORMER_NAMES = {
    "governorate": "governorates",
    "municipality": "municipalities",
    "delegation": "delegations",
    "district": "districts",
    "service_point": "service-points",
    "collection_route": "collection-routes",
    "complaint": "complaints",
    "road": "roads",
    "place": "places",
    "budget_line": "budget-lines",
    "budget_execution": "budget-executions",
    "legacy_municipality": "legacy-municipalities",
    "performance_criterion": "performance-criteria",
    "performance_score": "performance-scores",
}


def layer_name(name: str) -> str:
    """A layer's name, given it or its former one."""
    return FORMER_NAMES.get(name, name)
