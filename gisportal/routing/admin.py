"""Read-only admin lists of the road networks and optimisation runs, scoped as the layers, with links to the
planner's page: planners find the optimisation from the admin they already use."""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gisportal.routing.models import OptimisationRun, RoadNetwork
from layers import selectors
from layers.selectors import Scope


class ScopedReadOnly(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.visible(self.model, request.user).select_related("municipality")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return selectors.scope(self.model, request.user) is not Scope.NONE

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request) if obj is None else selectors.in_scope(obj, request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("optimise"))
    def planner_link(self, obj: RoadNetwork | OptimisationRun) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("routing:planner", args=[obj.municipality.code]), _("Optimise routes")
        )


@admin.register(RoadNetwork)
class RoadNetworkAdmin(ScopedReadOnly):
    list_display = [
        "municipality",
        "version",
        "synthetic",
        "edges",
        "components",
        "island_edges",
        "built_at",
        "planner_link",
    ]

    @admin.display(boolean=True, description=_("synthetic"))
    def synthetic(self, obj: RoadNetwork) -> bool:
        return obj.synthetic


@admin.register(OptimisationRun)
class OptimisationRunAdmin(ScopedReadOnly):
    list_display = ["created_at", "municipality", "status", "method", "summary", "run_link", "planner_link"]
    list_filter = ["status"]
    exclude = ["proposal", "current", "replaced"]

    @admin.display(description=_("proposal"))
    def run_link(self, obj: OptimisationRun) -> str:
        return format_html('<a href="{}">{}</a>', reverse("routing:run", args=[obj.pk]), _("Open"))
