"""Staff pages of consultations, scoped by municipality and kept in history like the layers (`LayerAdmin`).

Staff open and edit a consultation, its sections and its survey here; moderation, closing, the responses and the
report are on the consultation's staff page. Comments' authors, stances and survey answers have no admin.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gisportal.consultations.models import Choice, Consultation, Question, Section
from layers.admin import LayerAdmin


class SectionInline(admin.StackedInline):
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


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2


@admin.register(Question)
class QuestionAdmin(LayerAdmin):
    list_display = ("text", "consultation", "kind", "position")
    list_filter = ("kind",)
    inlines = (ChoiceInline,)
