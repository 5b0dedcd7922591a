"""The history of meetings and questions in the admin, scoped like the layers (`layers.admin.LayerAdmin`), to read
and restore an earlier version. Day-to-day work is on the staff pages (`staff_views`), through the services.

Documents have no admin form (an upload here would skip the content checks); questions never show their author.
"""

from django.contrib import admin
from django.http import HttpRequest

from gisportal.council.models import AgendaItem, Meeting, Question
from layers.admin import LayerAdmin


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(LayerAdmin):
    list_display = ("title", "municipality", "kind", "starts_at", "status", "minutes_published_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "municipality__name_fr", "municipality__code")
    readonly_fields = ("minutes_published_at",)
    inlines = (AgendaItemInline,)


@admin.register(Question)
class QuestionAdmin(LayerAdmin):
    list_display = ("text", "meeting", "status", "answered_at")
    list_filter = ("status",)
    search_fields = ("text",)
    exclude = ("author",)
    readonly_fields = ("meeting", "text", "created_at", "during_meeting", "answered_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # questions come from participants only
