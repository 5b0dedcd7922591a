"""Budgets and scores, read-only: they come from `gisportal import` with their mapping specs."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from gisportal.scorecards.models import (
    BudgetExecution,
    BudgetLine,
    LegacyMunicipality,
    PerformanceCriterion,
    PerformanceScore,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = (
        "municipality",
        "year",
        "kind",
        "title",
        "article",
        "paragraph",
        "sub_paragraph",
        "label_ar",
        "amount",
    )
    list_filter = ("year", "kind", "title")
    list_select_related = ("municipality",)
    search_fields = ("label_ar", "article")


@admin.register(BudgetExecution)
class BudgetExecutionAdmin(ReadOnlyAdmin):
    list_display = (
        "municipality",
        "year",
        "month",
        "kind",
        "title",
        "article",
        "paragraph",
        "sub_paragraph",
        "label_ar",
        "amount",
    )
    list_filter = ("year", "month", "kind", "title")
    list_select_related = ("municipality",)
    search_fields = ("label_ar", "article")


@admin.register(PerformanceCriterion)
class PerformanceCriterionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_fr", "name_ar", "level", "max_score")
    list_filter = ("level",)


@admin.register(PerformanceScore)
class PerformanceScoreAdmin(ReadOnlyAdmin):
    list_display = ("municipality", "year", "criterion", "score", "max_score")
    list_filter = ("year", "criterion__level")
    list_select_related = ("municipality", "criterion")
    raw_id_fields = ("municipality", "criterion")


@admin.register(LegacyMunicipality)
class LegacyMunicipalityAdmin(ReadOnlyAdmin):
    list_display = ("legacy_id", "name", "name_ar", "governorate_name", "municipality")
    list_select_related = ("municipality",)
    search_fields = ("legacy_id", "name", "name_ar")
    exclude = ("centre",)
