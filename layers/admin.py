"""Planners' editing pages: every layer on a map, scoped to the planner's municipalities, with history."""

import dataclasses
import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.db.models import GeometryField as GeometryModelField
from django.contrib.gis.forms import GeometryField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges, ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model

from gisportal.accounts import selectors as staff_selectors
from layers import history_map, history_notes, selectors, services
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


class ReadableChanges(HistoricalRecordContextHelper):
    """A change in a feature's history as staff read it: a choice by its label (priority: Normal → Urgent,
    not 2 → 4) and a date in the page's format."""

    def format_delta_change(self, change: ModelChange) -> ModelChange:
        """A geometry's change as two small maps, before and after, instead of truncated WKT."""
        field = self.model._meta.get_field(change.field)
        if not isinstance(field, GeometryModelField):
            return super().format_delta_change(change)
        old, new = history_map.before_and_after(change.old, change.new)  # type: ignore[arg-type]
        return dataclasses.replace(change, field=capfirst(field.verbose_name), old=old, new=new)

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        field = self.model._meta.get_field(change.field)
        if getattr(field, "choices", None) and not isinstance(value, list | dict):
            return dict(field.flatchoices).get(value, value)  # type: ignore[union-attr]
        if isinstance(value, datetime.datetime):
            return date_format(localtime(value) if is_aware(value) else value, "SHORT_DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return super().prepare_delta_change_value(change, value)


class LayerAdmin(SimpleHistoryAdmin, GISModelAdmin):
    """Permissions come from the role and the selectors' scoping, not from per-model Django permissions."""

    form = LayerForm
    gis_widget = MunicipalMapWidget
    object_history_template = "layers/object_history.html"
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
        kwargs["queryset"] = self.choices(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = self.choices(db_field.related_model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def choices(self, related: type[Model], request: HttpRequest) -> QuerySet:
        """What a relation may point at, so that the form refuses any other id a forged POST sends:
        the features the user sees (a planner: her municipalities'), and the staff of her municipalities."""
        if related is get_user_model():
            return staff_selectors.staff_of(request.user)
        return selectors.visible(related, request.user)

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return ReadableChanges(self.model, historical_record)

    # History: simple-history checks the view permission only, on the old version, and answers 500 to
    # ids that are not numbers. A version is the live feature's past: both must be in the user's scope.

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        pk = self.feature_id_or_404(object_id)
        # Its imports too: an imported feature's first version is the import's record, not a row of its own.
        extra_context = {**(extra_context or {}), "history_notes": history_notes.notes_of(self.model, pk)}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        version = self.version_or_404(object_id, version_id)
        if not self.has_view_history_permission(request, version):
            raise PermissionDenied
        # A POST here restores the version over the live feature: a change, whatever simple-history checks.
        if request.method == "POST" and not self.has_change_history_permission(request, version):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def feature_id_or_404(self, object_id: str) -> Any:
        try:
            return self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None

    def version_or_404(self, object_id: str, version_id: str) -> Model:
        """The feature as it was in one version of its history."""
        history = get_history_model_for_model(self.model)
        try:
            history_id = history._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None
        pk_name = self.model._meta.pk.attname
        record = get_object_or_404(history, **{pk_name: self.feature_id_or_404(object_id), "history_id": history_id})
        return record.instance

    def live(self, obj: Model) -> Model | None:
        """The feature as it is now (`obj` may be one of its old versions); None once it is deleted."""
        return self.model._default_manager.filter(pk=obj.pk).first()

    def has_view_history_or_change_history_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_view_history_permission(request, obj)

    def has_view_history_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return self.has_view_permission(request)
        live = self.live(obj)
        return self.has_view_permission(request, obj) and (live is None or self.has_view_permission(request, live))

    def has_change_history_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is None:
            return self.has_change_permission(request)
        live = self.live(obj)
        # Restoring a deleted feature adds it again.
        may_replace = self.has_add_permission(request) if live is None else self.has_change_permission(request, live)
        return may_replace and self.has_change_permission(request, obj)


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


# ISO weekdays (1 = Monday) by their names in the page's language (Django's own catalogue).
ISO_WEEKDAYS = [(day + 1, WEEKDAYS[day]) for day in range(7)]


class CollectionRouteForm(LayerForm):
    service_days = forms.TypedMultipleChoiceField(
        choices=ISO_WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Collection days")
    )

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
    list_display = ("name", "municipality", "days", "starts_at", "ends_at", "frequency", "vehicle")
    list_filter = (by_municipality, "frequency")
    search_fields = ("name", "vehicle")
    filter_horizontal = ("service_points",)

    @admin.display(description=_("Collection days"), ordering="service_days")
    def days(self, route: CollectionRoute) -> str:
        names = dict(ISO_WEEKDAYS)
        return ", ".join(str(names[day]) for day in sorted(route.service_days) if day in names)


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
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if "duplicate_of" in self.fields and self.instance.municipality_id:
                    originals = selectors.editable(Complaint, user).filter(municipality=self.instance.municipality_id)
                    self.fields["duplicate_of"].queryset = originals.exclude(pk=self.instance.pk)

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
                # Checked after routing: the pin may have moved the report to another of her municipalities.
                original = data.get("duplicate_of")
                if original and original.municipality_id != self.instance.municipality_id:
                    elsewhere = _("The original must be in the same municipality.")
                    self.add_error("duplicate_of", forms.ValidationError(elsewhere, code="duplicate_elsewhere"))
                assignee = data.get("assignee")
                if assignee and not selectors.in_scope(self.instance, assignee, for_edit=True):
                    outsider = _("This person does not manage the report's municipality.")
                    self.add_error("assignee", forms.ValidationError(outsider, code="assignee_out_of_scope"))
                return data

        return RoutedComplaintForm
