"""Planners' editing pages: every layer on a map, scoped to the planner's municipalities, with history."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms import GeometryField
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from layers import selectors, services
from layers.models import (
    CollectionRoute,
    Complaint,
    Delegation,
    District,
    Governorate,
    Municipality,
    ServicePoint,
)
from layers.selectors import Scope
from layers.widgets import MunicipalMapWidget

by_municipality = ("municipality", admin.RelatedOnlyFieldListFilter)


class LayerForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        super().clean()
        for name, field in self.fields.items():
            if isinstance(field, GeometryField) and name in self.initial and name not in self.changed_data:
                # The map's round trip through Web Mercator adds float noise: keep the stored geometry.
                self.cleaned_data[name] = self.initial[name]
        return self.cleaned_data


class LayerAdmin(SimpleHistoryAdmin, GISModelAdmin):
    """Permissions come from the role and the selectors' scoping, not from per-model Django permissions."""

    form = LayerForm
    gis_widget = MunicipalMapWidget
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.visible(self.model, request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return selectors.scope(self.model, request.user) is not Scope.NONE

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return selectors.in_scope(obj, request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return selectors.scope(self.model, request.user, for_edit=True) is not Scope.NONE
        return selectors.in_scope(obj, request.user, for_edit=True)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality":
            # A planner can only put a feature in a municipality she edits.
            kwargs["queryset"] = selectors.visible(Municipality, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = selectors.visible(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Governorate)
class GovernorateAdmin(LayerAdmin):
    list_display = ("code", "name_fr", "name_ar")
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(Delegation)
class DelegationAdmin(LayerAdmin):
    list_display = ("code", "name_fr", "name_ar", "governorate", "population_2014", "development_index_2011")
    list_filter = ("governorate", "region")
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(Municipality)
class MunicipalityAdmin(LayerAdmin):
    list_display = ("code", "name_fr", "name_ar", "governorate", "kind", "population")
    list_filter = ("governorate", "kind")
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(District)
class DistrictAdmin(LayerAdmin):
    list_display = ("name", "municipality", "kind", "population", "score", "is_priority")
    list_filter = (by_municipality, "kind", "is_priority")
    search_fields = ("name", "name_ar")
    readonly_fields = ("marginalisation_score",)

    @admin.display(description=_("marginalisation score"), ordering="marginalisation_score")
    def score(self, district: District) -> str:
        return "—" if district.marginalisation_score is None else f"{district.marginalisation_score:.1f}"


@admin.register(ServicePoint)
class ServicePointAdmin(LayerAdmin):
    list_display = ("__str__", "kind", "status", "municipality", "capacity")
    list_filter = (by_municipality, "kind", "status")
    search_fields = ("name",)


class CollectionRouteForm(LayerForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        municipality = data.get("municipality")
        foreign = [p for p in data.get("service_points", []) if municipality and p.municipality_id != municipality.pk]
        if foreign:
            raise forms.ValidationError(
                _("These service points belong to another municipality: %(points)s"),
                params={"points": ", ".join(map(str, foreign))},
            )
        return data


@admin.register(CollectionRoute)
class CollectionRouteAdmin(LayerAdmin):
    form = CollectionRouteForm
    list_display = ("name", "municipality", "service_days", "starts_at", "ends_at", "frequency", "vehicle")
    list_filter = (by_municipality, "frequency")
    search_fields = ("name", "vehicle")
    filter_horizontal = ("service_points",)


@admin.register(Complaint)
class ComplaintAdmin(LayerAdmin):
    list_display = ("tracking_code", "category", "status", "municipality", "district", "created_at")
    list_filter = (by_municipality, "category", "status", "created_at")
    search_fields = ("tracking_code", "description")
    readonly_fields = ("tracking_code", "municipality", "district", "created_at", "updated_at")
    date_hierarchy = "created_at"

    def get_form(self, request: HttpRequest, obj: Complaint | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class RoutedComplaintForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                if location := data.get("location"):
                    # Moving the pin re-routes the complaint, but never out of the planner's reach.
                    self.instance.location = location
                    services.place_complaint(self.instance)
                    if not selectors.in_scope(self.instance, user, for_edit=True):
                        not_managed = _("This place is in a municipality you do not manage.")
                        raise forms.ValidationError(
                            {"location": forms.ValidationError(not_managed, code="not_managed")}
                        )
                return data

        return RoutedComplaintForm
