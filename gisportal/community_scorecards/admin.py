"""Admin of score cards, scoped and kept in history like the layers (`layers.admin.LayerAdmin`): its history pages
show and restore any earlier version. Everyday entry is on the staff pages; online scores have no admin at all
(nobody, staff included, reads one participant's scores)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gisportal.community_scorecards import services
from gisportal.community_scorecards.models import (
    ActionItem,
    ActionUpdate,
    Cycle,
    FocusGroup,
    GroupScore,
    Indicator,
    InputIndicator,
    Phase,
)
from layers import selectors
from layers.admin import LayerAdmin


class ScopedInline(admin.TabularInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = selectors.visible(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PhaseFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        services.check_phase_order({data["kind"]: (data["starts_on"], data["ends_on"]) for data in kept})


class PhaseInline(ScopedInline):
    model = Phase
    formset = PhaseFormSet


class InputInline(ScopedInline):
    model = InputIndicator


class IndicatorInline(ScopedInline):
    model = Indicator


class GroupScoreInline(ScopedInline):
    model = GroupScore


class UpdateInline(ScopedInline):
    model = ActionUpdate
    exclude = ("entered_by",)


@admin.register(Cycle)
class CycleAdmin(LayerAdmin):
    list_display = ("title", "municipality", "service", "subject", "created_at")
    list_filter = ("service", "subject")
    search_fields = ("title", "municipality__name_fr", "municipality__code")
    inlines = (PhaseInline, InputInline, IndicatorInline)


@admin.register(FocusGroup)
class FocusGroupAdmin(LayerAdmin):
    list_display = ("__str__", "cycle", "size", "met_on", "place")
    list_filter = ("kind",)
    exclude = ("entered_by",)
    inlines = (GroupScoreInline,)


@admin.register(ActionItem)
class ActionItemAdmin(LayerAdmin):
    list_display = ("__str__", "cycle", "who", "due_on", "status", "done_on")
    list_filter = ("status",)
    inlines = (UpdateInline,)
