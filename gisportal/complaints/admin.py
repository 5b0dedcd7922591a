"""Administrators' pages: the service catalogue (citizen charter), templates, ban list, Open311 keys."""

from django.contrib import admin

from gisportal.complaints.models import ApiKey, Ban, ResponseTemplate, ServiceCategory, ServiceQuestion


class QuestionInline(admin.TabularInline):
    model = ServiceQuestion
    extra = 0


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "municipality", "target_days", "nearby_radius_m", "is_active")
    list_filter = ("code", "is_active")
    autocomplete_fields = ("municipality",)
    inlines = [QuestionInline]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "municipality")


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ("kind", "value", "reason", "created_at")
    search_fields = ("value",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created_at")
    readonly_fields = ("key",)
