"""Staff tag their municipality's expense lines: function and gender-sensitive marker, scoped and kept in history
like the layers (`layers.admin.LayerAdmin`). The amounts stay read-only in the scorecards app."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from gisportal.finances.models import LineTag
from layers.admin import LayerAdmin

KEY = ("municipality", "title", "article", "paragraph", "sub_paragraph", "label_ar")


@admin.register(LineTag)
class LineTagAdmin(LayerAdmin):
    list_display = ("article", "paragraph", "sub_paragraph", "label_ar", "function", "gender_sensitive", "from_rule")
    list_editable = ("function", "gender_sensitive")
    list_filter = ("function", "gender_sensitive", "from_rule", "municipality")
    list_select_related = ("municipality",)
    search_fields = ("label_ar", "article", "municipality__name_fr", "municipality__code")
    fields = (*KEY, "function", "gender_sensitive", "note", "from_rule")
    readonly_fields = ("from_rule",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # A tag belongs to its line: once made, only what it says may change.
        return (*KEY, "from_rule") if obj is not None else ("from_rule",)

    def save_model(self, request: HttpRequest, obj: LineTag, form: Any, change: bool) -> None:
        obj.from_rule = False  # checked by the municipality's staff
        super().save_model(request, obj, form, change)
