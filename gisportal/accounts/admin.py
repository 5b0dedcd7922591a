from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from gisportal.accounts.models import StaffAction, StaffProfile


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ("municipalities",)


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = (StaffProfileInline,)
    list_display = ("username", "email", "is_staff", "is_superuser")


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
    """The audit log: read by superusers only, written by nobody (StaffAuditMiddleware alone adds to it)."""

    list_display = ("at", "user", "method", "path", "status", "ip")
    list_filter = ("method", "status")
    search_fields = ("user__username", "path", "ip")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
