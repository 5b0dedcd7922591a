"""Staff pages of consultations, scoped by municipality and kept in history like the layers (`LayerAdmin`).

Staff open and edit a consultation, its sections and its survey here; moderation, closing, the responses and the
report are on the consultation's staff page. Comments' authors, stances and survey answers have no admin.
"""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gisportal.consultations.models import Choice, Consultation, Question, Section
from layers import selectors
from layers.admin import LayerAdmin
from layers.selectors import Scope


class ScopedInline(admin.options.InlineModelAdmin):
    """An inline follows its parent's scope (staff have no per-model Django permissions)."""

    def _may_edit(self, request: HttpRequest, parent: Model | None) -> bool:
        if parent is None:
            return selectors.scope(self.parent_model, request.user, for_edit=True) is not Scope.NONE
        return selectors.in_scope(parent, request.user, for_edit=True)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None or selectors.in_scope(obj, request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:  # type: ignore[override]
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_edit(request, obj)


class SectionInline(ScopedInline, admin.StackedInline):
    model = Section
    extra = 1
    fields = ("position", "title", "body", "response")


@admin.register(Consultation)
class ConsultationAdmin(LayerAdmin):
    list_display = ("title", "municipality", "kind", "topic", "opens_on", "closes_on", "state", "staff_page")
    list_filter = ("kind", "topic", "opens_on")
    search_fields = ("title", "municipality__name_fr", "municipality__code")
    readonly_fields = ("closed_at", "report_published_at")
    inlines = (SectionInline,)

    @admin.display(description=_("state"))
    def state(self, obj: Consultation) -> str:
        return obj.get_state_display()

    @admin.display(description=_("moderation and report"))
    def staff_page(self, obj: Consultation) -> str:
        url = reverse("consultations:staff", kwargs={"code": obj.municipality.code, "pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("open"))


class ChoiceInline(ScopedInline, admin.TabularInline):
    model = Choice
    extra = 2


@admin.register(Question)
class QuestionAdmin(LayerAdmin):
    list_display = ("text", "consultation", "kind", "position")
    list_filter = ("kind",)
    inlines = (ChoiceInline,)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Once residents have answered, the survey stays as they saw it (the counts would no longer match).
        if isinstance(obj, Question) and obj.consultation.survey_answers.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)
